import type { Actor, AnyEventEnvelope } from '@tributary/contracts';
import { eventually, startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductCommands } from '../src/commands/product-commands.ts';
import { createReservationCommands } from '../src/commands/reservation-commands.ts';
import { SYSTEM_ACTOR } from '../src/reactions/saga-metadata.ts';
import { admin, customer, orderCancelled, orderPlaced, orderShipped, PRODUCT_FIELDS, startInventory, type InventoryHarness } from './support.ts';

let infra: TestInfrastructure;
let inventory: InventoryHarness;

beforeAll(async () => {
  infra = await startInfrastructure();
  inventory = await startInventory(infra, 'inventory_reservations');
});

afterAll(async () => {
  await inventory?.stop();
  await infra?.stop();
});

type Product = { sku: string; available: number; reserved: number };
type Reservation = { status: string; lines: { sku: string; quantity: number; unitPriceCents: number }[]; rejectedSkus: string[] };

async function addProduct(sku: string, stock: number, priceCents = 1000): Promise<void> {
  const input = { sku, name: `Product ${sku}`, priceCents, stock };
  const answer = await inventory.gql(`mutation ($input: AddProductInput!) { addProduct(input: $input) { sku } }`, { input }, admin);
  expect(answer.errors).toBeUndefined();
}

async function product(sku: string): Promise<Product | null> {
  const answer = await inventory.gql<{ product: Product | null }>(`query ($sku: String!) { product(sku: $sku) { ${PRODUCT_FIELDS} } }`, { sku }, null);
  return answer.data?.product ?? null;
}

/** Order.reservation resolved as the gateway would, for `actor`. */
async function reservation(orderId: string, actor: Actor | null): Promise<Reservation | null> {
  const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id reservation { status lines { sku quantity unitPriceCents } rejectedSkus } } } }`;
  const answer = await inventory.gql<{ _entities: { id: string; reservation: Reservation | null }[] }>(query, { r: [{ __typename: 'Order', id: orderId }] }, actor);
  expect(answer.errors).toBeUndefined();
  return answer.data?._entities[0]?.reservation ?? null;
}

const stream = (id: string) => inventory.service.runtime.store.readStream(id);
const types = (events: AnyEventEnvelope[]) => events.map((event) => event.type);

async function productSettles(sku: string, expected: Partial<Product>): Promise<void> {
  await eventually(async () => {
    const current = await product(sku);
    return current !== null && Object.entries(expected).every(([key, value]) => current[key as keyof Product] === value);
  }, 15_000, `${sku} to reach ${JSON.stringify(expected)}`);
}

describe('reservation saga', () => {
  it('reserves every line of an order, prices it, then releases it when the order is cancelled', async () => {
    await addProduct('R1-A', 5, 1000);
    await addProduct('R1-B', 2, 250);
    await inventory.publish(orderPlaced('order-r1', [{ sku: 'R1-B', quantity: 1 }, { sku: 'R1-A', quantity: 2 }], 'c-1'));

    await eventually(async () => (await reservation('order-r1', customer('c-1')))?.status === 'RESERVED', 15_000, 'RESERVED');
    const [reserved] = await stream('order-r1');
    expect(reserved).toMatchObject({
      type: 'StockReserved',
      correlationId: 'order-r1',
      actor: SYSTEM_ACTOR,
      data: { items: [{ sku: 'R1-A', quantity: 2, unitPrice: { amount: 1000, currency: 'EUR' } }, { sku: 'R1-B', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } }], total: { amount: 2250, currency: 'EUR' } },
    });
    expect(await reservation('order-r1', customer('c-1'))).toEqual({
      status: 'RESERVED',
      lines: [{ sku: 'R1-A', quantity: 2, unitPriceCents: 1000 }, { sku: 'R1-B', quantity: 1, unitPriceCents: 250 }],
      rejectedSkus: [],
    });
    await productSettles('R1-A', { available: 3, reserved: 2 });
    await productSettles('R1-B', { available: 1, reserved: 1 });

    // Only the order's customer, admins and the system may see it.
    expect(await reservation('order-r1', customer('c-2'))).toBeNull();
    expect(await reservation('order-r1', null)).toBeNull();
    expect((await reservation('order-r1', admin))?.status).toBe('RESERVED');

    await inventory.publish(orderCancelled('order-r1'));
    await eventually(async () => (await reservation('order-r1', admin))?.status === 'RELEASED', 15_000, 'RELEASED');
    expect(types(await stream('order-r1'))).toEqual(['StockReserved', 'StockReleased']);
    await productSettles('R1-A', { available: 5, reserved: 0 });
    await productSettles('R1-B', { available: 2, reserved: 0 });
  });

  it('rejects an order naming every short sku (unknown ones with 0), and gives back the holds already taken', async () => {
    await addProduct('R2-A', 5);
    await addProduct('R2-B', 2);
    await inventory.publish(orderPlaced('order-r2', [{ sku: 'R2-A', quantity: 1 }, { sku: 'R2-B', quantity: 3 }, { sku: 'R2-UNKNOWN', quantity: 1 }]));

    await eventually(async () => (await reservation('order-r2', admin))?.status === 'REJECTED', 15_000, 'REJECTED');
    const [rejected] = await stream('order-r2');
    expect(rejected?.type === 'StockRejected' && rejected.data.unavailable).toEqual([
      { sku: 'R2-B', requested: 3, available: 2 },
      { sku: 'R2-UNKNOWN', requested: 1, available: 0 },
    ]);
    expect((await reservation('order-r2', admin))?.rejectedSkus).toEqual(['R2-B', 'R2-UNKNOWN']);
    // R2-A sorts first, so it was held, then released after the rejection was recorded.
    expect(types(await stream('R2-A'))).toEqual(['ProductAdded', 'StockItemReserved', 'StockItemReleased']);
    expect(types(await stream('R2-B'))).toEqual(['ProductAdded']);
    await productSettles('R2-A', { available: 5, reserved: 0 });
  });

  it('shows PENDING for an order it knows but has not decided on, null for one it never heard of', async () => {
    expect(await reservation('order-never-placed', admin)).toBeNull();
    await inventory.service.runtime.connection.collection('order_owners').insertOne({ _id: 'order-pending' as never, customerId: 'c-9' });
    expect(await reservation('order-pending', customer('c-9'))).toEqual({ status: 'PENDING', lines: [], rejectedSkus: [] });
  });

  it('handles every event delivered twice once: one hold, one decision, one release', async () => {
    await addProduct('R3-A', 4);
    const placed = orderPlaced('order-r3', [{ sku: 'R3-A', quantity: 3 }]);
    await inventory.publish(placed, placed);
    await eventually(() => inventory.reactionsCaughtUp(), 15_000, 'both deliveries handled');
    expect(types(await stream('order-r3'))).toEqual(['StockReserved']);
    expect(types(await stream('R3-A'))).toEqual(['ProductAdded', 'StockItemReserved']);
    await productSettles('R3-A', { available: 1, reserved: 3 });

    const cancelled = orderCancelled('order-r3');
    await inventory.publish(cancelled, cancelled, placed);
    await eventually(() => inventory.reactionsCaughtUp(), 15_000, 'the duplicates handled');
    expect(types(await stream('order-r3'))).toEqual(['StockReserved', 'StockReleased']);
    // The late OrderPlaced found the decision taken: it reserved nothing again.
    expect(types(await stream('R3-A'))).toEqual(['ProductAdded', 'StockItemReserved', 'StockItemReleased']);
    await productSettles('R3-A', { available: 4, reserved: 0 });
  });

  it('ships the held units with the order', async () => {
    await addProduct('R4-A', 6);
    await inventory.publish(orderPlaced('order-r4', [{ sku: 'R4-A', quantity: 2 }]), orderShipped('order-r4', 2), orderShipped('order-r4', 2));
    await eventually(() => inventory.reactionsCaughtUp(), 15_000, 'the order events handled');
    expect(types(await stream('R4-A'))).toEqual(['ProductAdded', 'StockItemReserved', 'StockItemShipped']);
    await productSettles('R4-A', { available: 4, reserved: 0 });
  });

  it('repairs a crash between the holds and the decision: the redelivery holds nothing twice', async () => {
    const products = createProductCommands(inventory.service.runtime.commands);
    const metadata = { actor: { ...SYSTEM_ACTOR }, correlationId: 'order-r6', causationId: 'test' };
    await addProduct('R6-A', 3);
    await addProduct('R6-B', 3);
    // The state a crash would leave: R6-A held, R6-B not yet, no decision.
    await products.reserveItem('R6-A', 'order-r6', 2, metadata);

    await inventory.publish(orderPlaced('order-r6', [{ sku: 'R6-A', quantity: 2 }, { sku: 'R6-B', quantity: 1 }]));
    await eventually(() => inventory.reactionsCaughtUp(), 15_000, 'the redelivery handled');
    expect(types(await stream('order-r6'))).toEqual(['StockReserved']);
    expect(types(await stream('R6-A'))).toEqual(['ProductAdded', 'StockItemReserved']);
    await productSettles('R6-A', { available: 1, reserved: 2 });
  });

  it('repairs a crash between the rejection and its releases: the redelivery releases the hold', async () => {
    const { commands } = inventory.service.runtime;
    const products = createProductCommands(commands);
    const reservations = createReservationCommands(commands);
    const metadata = { actor: { ...SYSTEM_ACTOR }, correlationId: 'order-r5', causationId: 'test' };
    await addProduct('R5-A', 3);
    await addProduct('R5-B', 0);
    // The state a crash would leave: R5-A held, the rejection recorded, the release never run.
    await products.reserveItem('R5-A', 'order-r5', 2, metadata);
    await reservations.decide('order-r5', [{ outcome: 'HELD', sku: 'R5-A', quantity: 2, unitPrice: { amount: 1000, currency: 'EUR' } }, { outcome: 'SHORT', sku: 'R5-B', quantity: 1, available: 0 }], metadata);

    await inventory.publish(orderPlaced('order-r5', [{ sku: 'R5-A', quantity: 2 }, { sku: 'R5-B', quantity: 1 }]));
    await eventually(() => inventory.reactionsCaughtUp(), 15_000, 'the redelivery handled');
    expect(types(await stream('order-r5'))).toEqual(['StockRejected']);
    expect(types(await stream('R5-A'))).toEqual(['ProductAdded', 'StockItemReserved', 'StockItemReleased']);
    await productSettles('R5-A', { available: 3, reserved: 0 });
  });
});
