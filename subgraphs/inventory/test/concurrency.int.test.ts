import { ConcurrencyError, createSnapshotStore } from '@tributary/bus';
import { foldEvents, type AnyEventEnvelope, type DomainEvent } from '@tributary/contracts';
import { eventually, startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductCommands } from '../src/commands/product-commands.ts';
import { InsufficientStockError } from '../src/domain/errors.ts';
import { productDecider } from '../src/domain/product.ts';
import { availableUnits, deserializeProductState, type ProductEvent } from '../src/domain/product-state.ts';
import { SYSTEM_ACTOR } from '../src/reactions/saga-metadata.ts';
import { admin, orderPlaced, startInventory, type InventoryHarness } from './support.ts';

let infra: TestInfrastructure;
let inventory: InventoryHarness;

beforeAll(async () => {
  infra = await startInfrastructure();
  inventory = await startInventory(infra, 'inventory_concurrency');
});

afterAll(async () => {
  await inventory?.stop();
  await infra?.stop();
});

async function addProduct(sku: string, stock: number): Promise<void> {
  const answer = await inventory.gql(`mutation ($input: AddProductInput!) { addProduct(input: $input) { sku } }`, { input: { sku, name: sku, priceCents: 500, stock } }, admin);
  expect(answer.errors).toBeUndefined();
}

/** The product's available units after every event of its stream: the history, not just the end. */
function availableAfterEachEvent(stream: AnyEventEnvelope[]): number[] {
  const events = stream.map((envelope) => ({ type: envelope.type, data: envelope.data }) as DomainEvent as ProductEvent);
  return events.map((_, index) => {
    const state = foldEvents(productDecider, events.slice(0, index + 1));
    return state.status === 'ACTIVE' ? availableUnits(state) : 0;
  });
}

describe('available stock never goes below zero', () => {
  it('when 40 holds race for 10 units on one product stream: exactly 10 win', async () => {
    await addProduct('RACE-DIRECT', 10);
    const { commands } = inventory.service.runtime;
    // Counts lost races, to show the test really made the holds collide on the stream.
    let conflicts = 0;
    const store = {
      ...commands.store,
      append: (...args: Parameters<typeof commands.store.append>) =>
        commands.store.append(...args).catch((error: unknown) => {
          if (error instanceof ConcurrencyError) conflicts++;
          throw error;
        }),
    };
    const products = createProductCommands({ ...commands, store });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => products.reserveItem('RACE-DIRECT', `direct-${i}`, 1, { actor: { ...SYSTEM_ACTOR }, correlationId: `direct-${i}`, causationId: 'test' })),
    );
    expect(conflicts).toBeGreaterThan(0);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    const refusals = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(refusals).toHaveLength(30);
    expect(refusals.every((reason) => reason instanceof InsufficientStockError && reason.available === 0)).toBe(true);
    const history = availableAfterEachEvent(await inventory.service.runtime.store.readStream('RACE-DIRECT'));
    expect(history.at(-1)).toBe(0);
    expect(Math.min(...history)).toBe(0);
  });

  it('with snapshots every 2 versions, 40 holds racing for 10 units: exactly 10 win', async () => {
    await addProduct('RACE-SNAP', 10);
    const { commands, connection } = inventory.service.runtime;
    const snapshots = createSnapshotStore({ connection });
    const products = createProductCommands(commands, { store: snapshots, every: 2, onError: (error) => { throw error; } });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => products.reserveItem('RACE-SNAP', `snap-${i}`, 1, { actor: { ...SYSTEM_ACTOR }, correlationId: `snap-${i}`, causationId: 'test' })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    const stream = await inventory.service.runtime.store.readStream('RACE-SNAP');
    const history = availableAfterEachEvent(stream);
    expect(history).toHaveLength(11);
    expect(Math.min(...history)).toBe(0);
    // The newest snapshot (the last multiple of 2 crossed) is the fold of the stream up to it.
    const snapshot = await snapshots.load('RACE-SNAP');
    expect(snapshot?.version).toBe(10);
    const state = deserializeProductState(snapshot?.state);
    expect(state.status === 'ACTIVE' && state.holds.size).toBe(9);
    const events = stream.slice(0, 10).map((envelope) => ({ type: envelope.type, data: envelope.data }) as DomainEvent as ProductEvent);
    expect(state).toEqual(foldEvents(productDecider, events));
  });

  it('when 40 orders of 1 unit arrive from Kafka for 10 units: 10 RESERVED, 30 REJECTED, available 0', async () => {
    await addProduct('RACE-SAGA', 10);
    const orderIds = Array.from({ length: 40 }, (_, i) => `race-order-${i}`);
    // One batch over all partitions: the reservations consumer handles partitions side by side,
    // so the holds really do race for the product stream.
    await inventory.publish(...orderIds.map((orderId, i) => orderPlaced(orderId, [{ sku: 'RACE-SAGA', quantity: 1 }], `c-${i}`)));

    const { store } = inventory.service.runtime;
    const decisions = await eventually(async () => {
      const streams = await Promise.all(orderIds.map((orderId) => store.readStream(orderId)));
      return streams.every((events) => events.length > 0) ? streams.map((events) => events.map((event) => event.type)) : null;
    }, 30_000, 'a decision for every order');
    expect(decisions.filter((types) => types.join() === 'StockReserved')).toHaveLength(10);
    expect(decisions.filter((types) => types.join() === 'StockRejected')).toHaveLength(30);

    // The service snapshots product streams (every 3 in these tests): 11 versions, snapshot at 9.
    expect((await createSnapshotStore({ connection: inventory.service.runtime.connection }).load('RACE-SAGA'))?.version).toBe(9);
    const history = availableAfterEachEvent(await store.readStream('RACE-SAGA'));
    expect(Math.min(...history)).toBe(0);
    expect(history.at(-1)).toBe(0);
    await eventually(async () => {
      const answer = await inventory.gql<{ product: { available: number; reserved: number } }>(`query { product(sku: "RACE-SAGA") { available reserved } }`, {}, null);
      const current = answer.data?.product;
      return current?.available === 0 && current.reserved === 10;
    }, 15_000, 'the read model at available 0, reserved 10');
  });
});
