import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitModel } from '../commit-model.ts';
import { ConcurrencyError } from '../errors.ts';
import { createEventStore, type EventStore } from '../event-store.ts';
import { createKeyClaims } from '../idempotency-keys.ts';
import { orderEvents, startMongoWithConnection, tempDir } from './fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let mongo: Awaited<ReturnType<typeof startMongoWithConnection>>;
let connection: Connection;
let store: EventStore;
let appended = 0;

beforeAll(async () => {
  dir = await tempDir('store');
  mongo = await startMongoWithConnection(dir.path);
  connection = mongo.connection;
  store = createEventStore({ connection, aggregateType: 'order', onAppended: () => (appended += 1) });
  await store.init();
});

afterAll(async () => {
  await mongo?.close();
  await dir?.remove();
});

describe('event store', () => {
  it('lets exactly one of two concurrent writers at the same expected version win', async () => {
    const orderId = randomUUID();
    await store.append(orderId, 0, orderEvents(orderId, 0, 1));
    for (let round = 0; round < 5; round++) {
      const head = await store.streamVersion(orderId);
      const results = await Promise.allSettled([
        store.append(orderId, head, orderEvents(orderId, head, 2)),
        store.append(orderId, head, orderEvents(orderId, head, 1)),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(ConcurrencyError);
      expect((lost[0]!.reason as ConcurrencyError).expectedVersion).toBe(head);
    }
    const events = await store.readStream(orderId);
    expect(events.map((e) => e.aggregateVersion)).toEqual(events.map((_, i) => i + 1));
  });

  it('rejects a stale or an ahead-of-head expected version with the actual head', async () => {
    const orderId = randomUUID();
    await store.append(orderId, 0, orderEvents(orderId, 0, 3));
    // expected 2 lies inside the commit 1..3, so no commit starts at 3: only the head check sees it.
    await expect(store.append(orderId, 2, orderEvents(orderId, 2, 1))).rejects.toMatchObject({
      name: 'ConcurrencyError',
      expectedVersion: 2,
      actualVersion: 3,
    });
    await expect(store.append(orderId, 5, orderEvents(orderId, 5, 1))).rejects.toMatchObject({ actualVersion: 3 });
    await expect(store.append(orderId, 0, orderEvents(orderId, 0, 1))).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.streamVersion(orderId)).toBe(3);
  });

  it('reads a stream back in order, across commits', async () => {
    const orderId = randomUUID();
    const written = [...orderEvents(orderId, 0, 3), ...orderEvents(orderId, 3, 1), ...orderEvents(orderId, 4, 2)];
    await store.append(orderId, 0, written.slice(0, 3));
    await store.append(orderId, 3, written.slice(3, 4));
    await store.append(orderId, 4, written.slice(4));
    expect(await store.readStream(orderId)).toEqual(written);
    expect(await store.readStream(randomUUID())).toEqual([]);
  });

  it('stores a multi-event append as ONE unpublished commit document', async () => {
    const orderId = randomUUID();
    const before = appended;
    const result = await store.append(orderId, 0, orderEvents(orderId, 0, 4));
    expect(result).toMatchObject({ fromVersion: 1, toVersion: 4 });
    expect(appended).toBe(before + 1);
    const docs = await commitModel(connection).find({ streamId: orderId }).lean().exec();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ aggregateType: 'order', fromVersion: 1, toVersion: 4, published: false, publishedAt: null });
    expect(docs[0]!.events).toHaveLength(4);
  });

  it('gives positions that grow strictly within a stream even if the clock goes back', async () => {
    const orderId = randomUUID();
    let clock = Date.UTC(2030, 0, 1);
    const skewed = createEventStore({ connection, aggregateType: 'order', now: () => new Date((clock -= 60_000)) });
    const a = await skewed.append(orderId, 0, orderEvents(orderId, 0, 1));
    const b = await skewed.append(orderId, 1, orderEvents(orderId, 1, 1));
    expect(b.position).toBeGreaterThan(a.position);
  });

  it('refuses events that do not match the stream, and invalid events, changing nothing', async () => {
    const orderId = randomUUID();
    await expect(store.append(orderId, 0, orderEvents(randomUUID(), 0, 1))).rejects.toThrow(/aggregateId/);
    await expect(store.append(orderId, 0, orderEvents(orderId, 1, 1))).rejects.toThrow(/aggregateVersion/);
    const [event] = orderEvents(orderId, 0, 1);
    await expect(store.append(orderId, 0, [{ ...event!, type: 'NoSuchEvent' }])).rejects.toThrow();
    expect(await store.streamVersion(orderId)).toBe(0);
  });

  it('upcasts old stored event versions on read', async () => {
    const orderId = randomUUID();
    const [placed] = orderEvents(orderId, 0, 1);
    const { idempotencyKey: _dropped, paymentMethod: _notInV1, ...v1Data } = placed!.data as Record<string, unknown>;
    await store.append(orderId, 0, [{ ...placed!, version: 1, data: v1Data }]);
    const [read] = await store.readStream(orderId);
    expect(read).toMatchObject({ type: 'OrderPlaced', version: 3 });
    expect(read!.data).toHaveProperty('idempotencyKey');
  });
});

describe('idempotency key claims', () => {
  it('returns the first value to every later or concurrent claim of the same key', async () => {
    const claims = createKeyClaims(connection);
    await claims.init();
    const results = await Promise.all(['o-1', 'o-2', 'o-3', 'o-4'].map((v) => claims.claimKey('customer-1', 'key-A', v)));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    const winner = results.find((r) => r.claimed)!.value;
    expect(results.every((r) => r.value === winner)).toBe(true);
    expect(await claims.claimKey('customer-2', 'key-A', 'o-9')).toEqual({ claimed: true, value: 'o-9' });
  });
});
