import { randomUUID } from 'node:crypto';
import type { AnyEventEnvelope, Decider, DomainEvent } from '@tributary/contracts';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCommand, type CommandMetadata, type CommandSnapshots } from '../command-handler.ts';
import { parseCatalogueEvent } from '../envelope.ts';
import { createEventStore, type EventStore } from '../event-store.ts';
import { createSnapshotStore, SNAPSHOTS_COLLECTION, type SnapshotStore } from '../snapshot-store.ts';
import { startMongoWithConnection, tempDir } from './fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let mongo: Awaited<ReturnType<typeof startMongoWithConnection>>;
let connection: Connection;
let store: EventStore;
let snapshotStore: SnapshotStore;
/** Events parsed by the store (on read and on append): what a command really read. */
let parsed = 0;

beforeAll(async () => {
  dir = await tempDir('snapshots');
  mongo = await startMongoWithConnection(dir.path);
  connection = mongo.connection;
  store = createEventStore({
    connection,
    aggregateType: 'inventory',
    collection: 'snapshot_test_commits',
    parse: (raw) => {
      parsed += 1;
      return parseCatalogueEvent(raw);
    },
  });
  await store.init();
  snapshotStore = createSnapshotStore({ connection });
  await snapshotStore.init();
  await snapshotStore.init(); // idempotent
});

afterAll(async () => {
  await mongo?.close();
  await dir?.remove();
});

// A stock counter over StockReplenished events: refuses what would exceed the cap, so a decision
// depends on everything before it.
interface Counter {
  total: number;
  events: number;
}
type Add = { quantities: number[]; cap: number };
type Replenished = DomainEvent<'StockReplenished'>;
const counter: Decider<Add, Counter, Replenished> = {
  initialState: () => ({ total: 0, events: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.quantity, events: state.events + 1 }),
  decide: (command, state) => {
    const sum = command.quantities.reduce((a, b) => a + b, 0);
    if (state.total + sum > command.cap) return [];
    return command.quantities.map((quantity) => ({
      type: 'StockReplenished',
      data: { sku: 'SKU-1', quantity, replenishedAt: '2026-01-01T00:00:00.000Z' },
    }));
  },
};

const metadata: CommandMetadata = { actor: { customerId: 'admin-1', role: 'admin' }, correlationId: 'c', causationId: 'c' };
const errors: { operation: string; error: unknown }[] = [];
const snapshots = (overrides: Partial<CommandSnapshots<Counter>> = {}): CommandSnapshots<Counter> => ({
  store: snapshotStore,
  every: 3,
  serialize: (state) => ({ total: state.total, events: state.events }),
  deserialize: (json) => {
    const doc = json as Partial<Counter> | null;
    if (typeof doc !== 'object' || doc === null || !Number.isInteger(doc.total) || !Number.isInteger(doc.events)) throw new TypeError('bad counter snapshot');
    return { total: doc.total!, events: doc.events! };
  },
  onError: (error, context) => errors.push({ operation: context.operation, error }),
  ...overrides,
});

/** Deps with a store that records how many events each read returned. */
function deps(withSnapshots?: CommandSnapshots<Counter>) {
  const reads: { afterVersion: number; events: number }[] = [];
  const spy: EventStore = {
    ...store,
    async readStream(streamId, options) {
      const events = await store.readStream(streamId, options);
      reads.push({ afterVersion: options?.afterVersion ?? 0, events: events.length });
      return events;
    },
  };
  return {
    reads,
    deps: { store: spy, now: () => new Date('2026-01-01T00:00:00Z'), newId: () => randomUUID(), snapshots: withSnapshots },
  };
}

const run = (d: ReturnType<typeof deps>['deps'], streamId: string, quantities: number[], cap = 1_000) =>
  handleCommand(d, counter, streamId, { quantities, cap }, metadata);

const quantitiesOf = (events: AnyEventEnvelope[]) => events.map((e) => (e as AnyEventEnvelope<'StockReplenished'>).data.quantity);

describe('stream snapshots', () => {
  it('reads commits after a version only', async () => {
    const id = `S-${randomUUID()}`;
    const { deps: d } = deps();
    await run(d, id, [1, 2]); // commit 1..2
    await run(d, id, [3]); // commit 3..3
    await run(d, id, [4, 5]); // commit 4..5
    expect(quantitiesOf(await store.readStream(id, { afterVersion: 2 }))).toEqual([3, 4, 5]);
    expect(quantitiesOf(await store.readStream(id, { afterVersion: 3 }))).toEqual([4, 5]);
    expect(await store.readStream(id, { afterVersion: 5 })).toEqual([]);
    expect(quantitiesOf(await store.readStream(id, { afterVersion: 0 }))).toEqual([1, 2, 3, 4, 5]);
  });

  it('saves a snapshot when a command crosses a multiple of `every`', async () => {
    const id = `S-${randomUUID()}`;
    const { deps: d } = deps(snapshots());
    const versions: (number | null)[] = [];
    for (const quantities of [[1], [1], [1], [1], [1], [1, 1], [1], [1]]) {
      await run(d, id, quantities);
      versions.push((await snapshotStore.load(id))?.version ?? null);
    }
    // heads 1, 2, 3, 4, 5, 7 (5 -> 7 crosses 6), 8, 9
    expect(versions).toEqual([null, null, 3, 3, 3, 7, 7, 9]);
    expect(await snapshotStore.load(id)).toEqual({ version: 9, state: { total: 9, events: 9 } });
  });

  it('after a snapshot reads only the later commits, and decides as the full stream would', async () => {
    const withSnap = `S-${randomUUID()}`;
    const without = `S-${randomUUID()}`;
    const snap = deps(snapshots());
    const full = deps();
    // heads 1, 3 (snapshot at 3), 4, 5, 6 (snapshot at 6), 7; the last two would exceed the cap.
    const script: [number[], number][] = [[[5], 1000], [[5, 5], 1000], [[10], 1000], [[1], 1000], [[2], 1000], [[3], 1000], [[975], 1000], [[1000], 1000]];
    for (const [quantities, cap] of script) {
      const a = await run(snap.deps, withSnap, quantities, cap);
      const b = await run(full.deps, without, quantities, cap);
      expect(a.state).toEqual(b.state);
      expect(quantitiesOf(a.appended)).toEqual(quantitiesOf(b.appended));
      expect(a.appended.map((e) => e.aggregateVersion)).toEqual(b.appended.map((e) => e.aggregateVersion));
    }
    const refused = await run(snap.deps, withSnap, [970], 1000);
    expect(refused.appended).toEqual([]);
    expect(refused.state).toEqual({ total: 31, events: 7 });
    expect(quantitiesOf(await store.readStream(withSnap))).toEqual(quantitiesOf(await store.readStream(without)));

    // The snapshot is at 6 (5 -> 6 crossed it); the head is 7: a command reads one event.
    expect((await snapshotStore.load(withSnap))?.version).toBe(6);
    snap.reads.length = 0;
    parsed = 0;
    const result = await run(snap.deps, withSnap, [1], 2000);
    expect(snap.reads).toEqual([{ afterVersion: 6, events: 1 }]);
    expect(parsed).toBe(1 + 1); // the one event read, the one appended (validated on append)
    expect(result.state).toEqual({ total: 32, events: 8 });
    // `stream` holds what was read after the snapshot plus the appended event.
    expect(result.stream.map((e) => e.aggregateVersion)).toEqual([7, 8]);

    full.reads.length = 0;
    parsed = 0;
    await run(full.deps, without, [1], 2000);
    expect(full.reads).toEqual([{ afterVersion: 0, events: 7 }]);
    expect(parsed).toBe(7 + 1);
  });

  it('never lets an older snapshot replace a newer one', async () => {
    const id = `S-${randomUUID()}`;
    expect(await snapshotStore.save(id, 6, { total: 6, events: 6 })).toBe(true);
    expect(await snapshotStore.save(id, 3, { total: 3, events: 3 })).toBe(false);
    expect(await snapshotStore.save(id, 6, { total: -1, events: 6 })).toBe(false);
    expect(await snapshotStore.load(id)).toEqual({ version: 6, state: { total: 6, events: 6 } });
    expect(await snapshotStore.save(id, 9, { total: 9, events: 9 })).toBe(true);

    // Racing writers, in any order: the newest wins.
    const raced = `S-${randomUUID()}`;
    const versions = Array.from({ length: 20 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    await Promise.all(versions.map((v) => snapshotStore.save(raced, v, { total: v, events: v })));
    expect(await snapshotStore.load(raced)).toEqual({ version: 20, state: { total: 20, events: 20 } });
  });

  it('ignores a corrupt snapshot and reads the whole stream', async () => {
    const id = `S-${randomUUID()}`;
    const d = deps(snapshots({ every: 100 }));
    for (let i = 0; i < 4; i++) await run(d.deps, id, [1]);
    const raw = connection.collection<{ _id: string; version: unknown; state: unknown }>(SNAPSHOTS_COLLECTION);

    errors.length = 0;
    d.reads.length = 0;
    await raw.insertOne({ _id: id, version: 2, state: 'garbage' });
    expect((await run(d.deps, id, [1])).state).toEqual({ total: 5, events: 5 });
    expect(d.reads).toEqual([{ afterVersion: 0, events: 4 }]);
    expect(errors.map((e) => e.operation)).toEqual(['load']);

    // A version that is no number at all.
    errors.length = 0;
    await raw.updateOne({ _id: id }, { $set: { version: 'x', state: { total: 0, events: 0 } } });
    expect((await run(d.deps, id, [1])).state).toEqual({ total: 6, events: 6 });
    expect(errors.map((e) => e.operation)).toEqual(['load']);
  });

  it('ignores a snapshot that is not at a commit boundary, or ahead of the stream', async () => {
    const id = `S-${randomUUID()}`;
    const d = deps(snapshots({ every: 100 }));
    await run(d.deps, id, [1, 1, 1]); // one commit 1..3
    const raw = connection.collection<{ _id: string; version: number; state: unknown }>(SNAPSHOTS_COLLECTION);

    errors.length = 0;
    await raw.insertOne({ _id: id, version: 2, state: { total: 2, events: 2 } });
    const inside = await run(d.deps, id, [1]);
    expect(inside.state).toEqual({ total: 4, events: 4 });
    expect(inside.appended.map((e) => e.aggregateVersion)).toEqual([4]);
    expect(errors.map((e) => e.operation)).toEqual(['load']);

    // Ahead of the head (a stream that was reset under its snapshot): the append loses, the
    // retry reads the whole stream.
    errors.length = 0;
    await raw.updateOne({ _id: id }, { $set: { version: 50, state: { total: 50, events: 50 } } });
    const ahead = await run(d.deps, id, [1]);
    expect(ahead.state).toEqual({ total: 5, events: 5 });
    expect(ahead.appended.map((e) => e.aggregateVersion)).toEqual([5]);
    expect(errors.map((e) => e.operation)).toEqual(['load']);
  });

  it('does not fail the command when the snapshot cannot be saved or loaded', async () => {
    const id = `S-${randomUUID()}`;
    const broken: SnapshotStore = {
      init: () => Promise.resolve(),
      load: () => Promise.reject(new Error('snapshot store down')),
      save: () => Promise.reject(new Error('snapshot store down')),
    };
    const d = deps(snapshots({ store: broken, every: 1 }));
    errors.length = 0;
    await run(d.deps, id, [1]);
    const result = await run(d.deps, id, [2]);
    expect(result.state).toEqual({ total: 3, events: 2 });
    expect(errors.map((e) => e.operation)).toEqual(['load', 'save', 'load', 'save']);
    expect(quantitiesOf(await store.readStream(id))).toEqual([1, 2]);
  });

  it('keeps concurrent commands right with snapshots on', async () => {
    const id = `S-${randomUUID()}`;
    const d = deps(snapshots({ every: 2 }));
    // 40 writers race for one stream, each adding 1 under a cap of 30: exactly 30 succeed.
    const results = await Promise.all(
      Array.from({ length: 40 }, () => handleCommand({ ...d.deps, maxAttempts: 100 }, counter, id, { quantities: [1], cap: 30 }, metadata)),
    );
    expect(results.filter((r) => r.appended.length > 0)).toHaveLength(30);
    const events = await store.readStream(id);
    expect(events.map((e) => e.aggregateVersion)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const snapshot = await snapshotStore.load(id);
    expect(snapshot?.version).toBe(30);
    expect(snapshot?.state).toEqual({ total: 30, events: 30 });
  });
});
