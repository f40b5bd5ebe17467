import { describe, expect, it } from 'vitest';
import { createSharedFlights } from '../../src/executor/shared-flights.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('shared flights', () => {
  it('sends identical concurrent requests once and hands every waiter the same answer', async () => {
    const flights = createSharedFlights<{ n: number }>();
    const answer = deferred<{ n: number }>();
    let sent = 0;
    let joined = 0;
    const waiters = Array.from({ length: 20 }, () =>
      flights.share('k', () => {
        sent += 1;
        return answer.promise;
      }, () => (joined += 1)),
    );
    answer.resolve({ n: 1 });
    const answers = await Promise.all(waiters);
    expect(sent).toBe(1);
    expect(joined).toBe(19);
    expect(new Set(answers).size).toBe(1);
  });

  it('keeps different keys apart', async () => {
    const flights = createSharedFlights<string>();
    let sent = 0;
    const send = (value: string) => () => {
      sent += 1;
      return Promise.resolve(value);
    };
    expect(await Promise.all([flights.share('a', send('A')), flights.share('b', send('B'))])).toEqual(['A', 'B']);
    expect(sent).toBe(2);
  });

  it('is no cache: once a flight settled, the next identical request sends again', async () => {
    const flights = createSharedFlights<number>();
    let sent = 0;
    const send = () => Promise.resolve(++sent);
    expect(await flights.share('k', send)).toBe(1);
    expect(flights.inFlight()).toBe(0);
    expect(await flights.share('k', send)).toBe(2);
  });

  it('gives a failure to every waiter, then forgets it', async () => {
    const flights = createSharedFlights<number>();
    const answer = deferred<number>();
    const waiters = [flights.share('k', () => answer.promise), flights.share('k', () => Promise.resolve(0))];
    answer.reject(new Error('subgraph down'));
    for (const waiter of waiters) await expect(waiter).rejects.toThrow('subgraph down');
    expect(await flights.share('k', () => Promise.resolve(7))).toBe(7);
  });
});
