import { describe, expect, it } from 'vitest';
import { ClientStream } from '../../src/subscriptions/client-stream.ts';

const event = (n: number) => Promise.resolve({ data: { n } });

describe('ClientStream', () => {
  it('delivers events in arrival order even when a later one resolves first', async () => {
    const stream = new ClientStream({ maxQueue: 10, onClose: () => {} });
    let resolveFirst: (value: { data: { n: number } }) => void = () => {};
    stream.push(new Promise((resolve) => (resolveFirst = resolve)));
    stream.push(event(2));
    setTimeout(() => resolveFirst({ data: { n: 1 } }), 10);
    expect((await stream.next()).value).toEqual({ data: { n: 1 } });
    expect((await stream.next()).value).toEqual({ data: { n: 2 } });
  });

  it('drops the oldest waiting events past its bound and says how many on the next one', async () => {
    let dropped = 0;
    const stream = new ClientStream({ maxQueue: 3, onClose: () => {}, onDropped: (count) => (dropped += count) });
    for (let n = 1; n <= 5; n += 1) stream.push(event(n));
    expect(dropped).toBe(2);
    expect((await stream.next()).value).toEqual({ data: { n: 3 }, extensions: { droppedEvents: 2 } });
    expect((await stream.next()).value).toEqual({ data: { n: 4 } });
  });

  it('delivers what is queued, then the final result, then completes and closes once', async () => {
    let closes = 0;
    const stream = new ClientStream({ maxQueue: 10, onClose: () => (closes += 1) });
    stream.push(event(1));
    stream.end({ data: null });
    stream.push(event(2));
    const seen = [];
    for await (const result of stream) seen.push(result);
    expect(seen).toEqual([{ data: { n: 1 } }, { data: null }]);
    expect(closes).toBe(1);
    await stream.return();
    expect(closes).toBe(1);
  });

  it('wakes a waiting reader when the client leaves, and turns a failed event into an error result', async () => {
    const stream = new ClientStream({ maxQueue: 10, onClose: () => {} });
    stream.push(Promise.reject(new Error('boom')));
    const failed = await stream.next();
    expect((failed.value as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    const waiting = stream.next();
    await stream.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });
});
