import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEventStore, createKeyClaims, type EventStore, type KeyClaims } from '@tributary/bus';
import { createLogger } from '@tributary/telemetry';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMongo, type RunningMongoServer } from '../../../compose/embedded/mongo/src/index.ts';
import { createOrderCommands, type OrderCommands } from '../src/commands/order-commands.ts';
import { OrderStateConflictError } from '../src/domain/index.ts';
import { applyToReadModel, ProjectionGapError } from '@tributary/service';
import { orderProjection } from '../src/projections/order-view.ts';
import { orderReadModel, type OrderReadModel } from '../src/projections/order-read-model.ts';

/** The write side and the projector against a real MongoDB server (the embedded one), no Kafka. */
let dir: string;
let mongo: RunningMongoServer;
let connection: Connection;
let store: EventStore;
let keyClaims: KeyClaims;
let commands: OrderCommands;
let readModel: OrderReadModel;

const alice = { customerId: 'alice', role: 'customer' } as const;
const meta = () => ({ actor: alice, causationId: randomUUID() });
const items = [{ sku: 'SKU-1', quantity: 2 }];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-order-commands-'));
  mongo = await startMongo({ port: 0, dataDir: dir, logger: createLogger('test', 'silent'), fsync: 'never' });
  connection = await mongoose.createConnection(`${mongo.uri}/order_commands_test`).asPromise();
  store = createEventStore({ connection, aggregateType: 'order' });
  keyClaims = createKeyClaims(connection);
  readModel = orderReadModel(connection);
  await Promise.all([store.init(), keyClaims.init()]);
  commands = createOrderCommands({ store, keyClaims, now: () => new Date(), newId: randomUUID });
});

afterAll(async () => {
  await connection?.close();
  await mongo?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('placeOrder idempotency keys', () => {
  it('places the order under the claimed id when a crash fell between the claim and the append', async () => {
    const key = `key-${randomUUID()}`;
    const claimedId = randomUUID();
    // What a crashed first attempt leaves behind: the claim, and no order.
    await keyClaims.claimKey('order:alice', key, claimedId);
    const retried = await commands.placeOrder({ items, idempotencyKey: key }, meta());
    expect(retried._id).toBe(claimedId);
    expect(await store.streamVersion(claimedId)).toBe(1);
  });

  it('answers concurrent retries with one order, and a reuse with other items with CONFLICT', async () => {
    const key = `key-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 5 }, () => commands.placeOrder({ items, idempotencyKey: key }, meta())));
    const ids = new Set(results.map((order) => order._id));
    expect(ids.size).toBe(1);
    const [id] = ids;
    expect(await store.streamVersion(id!)).toBe(1);
    await expect(commands.placeOrder({ items: [{ sku: 'SKU-2', quantity: 1 }], idempotencyKey: key }, meta())).rejects.toBeInstanceOf(
      OrderStateConflictError,
    );
    expect(await store.streamVersion(id!)).toBe(1);
  });
});

describe('order projector', () => {
  it('applies each event once, in order, whatever the redeliveries', async () => {
    const placed = await commands.placeOrder({ items }, meta());
    await commands.cancelOrder(placed._id, meta());
    const [first, second] = await store.readStream(placed._id);
    const project = async (event: typeof first) => (await applyToReadModel(readModel, orderProjection, event!)).outcome;
    await expect(project(second)).rejects.toBeInstanceOf(ProjectionGapError);
    expect(await project(first)).toBe('applied');
    expect(await project(first)).toBe('duplicate');
    const concurrent = await Promise.all([project(second), project(second)]);
    expect(concurrent.sort()).toEqual(['applied', 'duplicate']);
    const view = await readModel.findById(placed._id).lean().exec();
    expect(view).toMatchObject({ status: 'CANCELLED', version: 2, cancellationReason: 'CUSTOMER_REQUEST' });
    expect(view?.events.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
  });
});
