import { randomUUID } from 'node:crypto';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@tributary/contracts';
import { eventually, startStack, type Stack } from '../support/stack.ts';

const PLACE = `mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id customerId status items { sku quantity } events { type version aggregateVersion } }
}`;
const ORDER = `query Order($id: ID!) {
  order(id: $id) { id customerId status items { sku quantity } createdAt updatedAt events { type version aggregateVersion occurredAt causationId } }
}`;
const CANCEL = `mutation Cancel($id: ID!) { cancelOrder(id: $id) { id status events { type } } }`;
const ORDERS = `query Orders($status: OrderStatus, $first: Int, $after: String) {
  orders(status: $status, first: $first, after: $after) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } }
}`;

interface PlacedOrder {
  id: string;
  customerId: string;
  status: string;
  items: { sku: string; quantity: number }[];
  events: { type: string; version: number; aggregateVersion: number }[];
}

let stack: Stack;
let orderDb: Awaited<ReturnType<Stack['db']>>;
let raw: Consumer;
const seen: KafkaMessage[] = [];
let alice: string;
let bob: string;

async function storedCommits(): Promise<number> {
  return orderDb.collection('event_commits').countDocuments();
}

beforeAll(async () => {
  stack = await startStack({ services: ['order'] });
  orderDb = await stack.db('order');
  [alice, bob] = await Promise.all([stack.token('alice'), stack.token('bob')]);
  // A plain kafkajs consumer, independent of the service's own bus code, reads the topic.
  raw = stack.infra.kafka('e2e-raw').consumer({ groupId: `e2e-raw-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await raw.connect();
  await raw.subscribe({ topic: TOPICS.order, fromBeginning: true });
  await raw.run({ eachMessage: async ({ message }) => void seen.push(message) });
});

afterAll(async () => {
  await raw?.disconnect().catch(() => undefined);
  await stack?.stop();
});

describe('placeOrder through the gateway', () => {
  it('stores OrderPlaced, publishes it to Kafka and projects it into the read model', async () => {
    const placed = await stack.graphql<{ placeOrder: PlacedOrder }>(PLACE, { input: { items: [{ sku: 'SKU-1', quantity: 2 }, { sku: 'SKU-2', quantity: 1 }] } }, alice);
    expect(placed.errors).toBeUndefined();
    const order = placed.data!.placeOrder;
    expect(order).toMatchObject({ customerId: 'alice', status: 'PENDING', items: [{ sku: 'SKU-1', quantity: 2 }, { sku: 'SKU-2', quantity: 1 }] });
    expect(order.events).toEqual([{ type: 'OrderPlaced', version: 3, aggregateVersion: 1 }]);

    const message = await eventually(async () => seen.find((m) => m.key?.toString() === order.id), 15_000, 'OrderPlaced on Kafka');
    const envelope = JSON.parse(message.value!.toString()) as { type: string; aggregateId: string; correlationId: string; data: { items: unknown[] } };
    expect(envelope).toMatchObject({ type: 'OrderPlaced', aggregateId: order.id, correlationId: order.id });
    expect(envelope.data.items).toHaveLength(2);

    const read = await eventually(async () => {
      const result = await stack.graphql<{ order: PlacedOrder & { createdAt: string } | null }>(ORDER, { id: order.id }, alice);
      return result.data?.order ?? undefined;
    }, 15_000, 'the read model');
    expect(read).toMatchObject({ id: order.id, customerId: 'alice', status: 'PENDING', items: order.items });
    expect(read.events.map((e) => e.type)).toEqual(['OrderPlaced']);
  });

  it('returns the first order for a repeated idempotency key, and stores one', async () => {
    const input = { items: [{ sku: 'SKU-9', quantity: 3 }], idempotencyKey: `key-${randomUUID()}` };
    const before = await storedCommits();
    const first = await stack.graphql<{ placeOrder: PlacedOrder }>(PLACE, { input }, alice);
    const second = await stack.graphql<{ placeOrder: PlacedOrder }>(PLACE, { input }, alice);
    expect(second.data!.placeOrder.id).toBe(first.data!.placeOrder.id);
    expect(await storedCommits()).toBe(before + 1);
    // The same key from another customer is another customer's order.
    const other = await stack.graphql<{ placeOrder: PlacedOrder }>(PLACE, { input }, bob);
    expect(other.data!.placeOrder.id).not.toBe(first.data!.placeOrder.id);
  });

  it('refuses an idempotency key with a lone surrogate (it could not be stored as sent), storing nothing', async () => {
    const before = await storedCommits();
    const result = await stack.graphql(PLACE, { input: { items: [{ sku: 'SKU-9', quantity: 1 }], idempotencyKey: '\ud800x' } }, alice);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/idempotencyKey/);
    expect(await storedCommits()).toBe(before);
  });

  it('lets a customer see and cancel only their own orders', async () => {
    const placed = await stack.graphql<{ placeOrder: PlacedOrder }>(PLACE, { input: { items: [{ sku: 'SKU-3', quantity: 1 }] } }, alice);
    const id = placed.data!.placeOrder.id;
    await eventually(async () => (await stack.graphql<{ order: unknown }>(ORDER, { id }, alice)).data?.order, 15_000, 'projection');

    expect((await stack.graphql<{ order: unknown }>(ORDER, { id }, bob)).data?.order).toBeNull();
    // Bob learns nothing: the same answer as for an order that does not exist.
    const bobsCancel = await stack.graphql(CANCEL, { id }, bob);
    expect(bobsCancel.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(bobsCancel.errors?.[0]?.message).toBe(`order ${id} not found`);
    const missingId = randomUUID();
    const bobsMissing = await stack.graphql(CANCEL, { id: missingId }, bob);
    expect({ code: bobsMissing.errors?.[0]?.extensions?.code, message: bobsMissing.errors?.[0]?.message }).toEqual({ code: 'NOT_FOUND', message: `order ${missingId} not found` });

    const cancelled = await stack.graphql<{ cancelOrder: { status: string; events: { type: string }[] } }>(CANCEL, { id }, alice);
    expect(cancelled.data?.cancelOrder).toMatchObject({ status: 'CANCELLED', events: [{ type: 'OrderPlaced' }, { type: 'OrderCancelled' }] });
    const again = await stack.graphql(CANCEL, { id }, alice);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await stack.graphql(CANCEL, { id: randomUUID() }, alice)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const admin = await stack.token('root', 'admin');
    const asAdmin = await eventually(async () => {
      const order = (await stack.graphql<{ order: { status: string } | null }>(ORDER, { id }, admin)).data?.order;
      return order?.status === 'CANCELLED' ? order : undefined;
    }, 15_000, 'the cancellation in the read model');
    expect(asAdmin.status).toBe('CANCELLED');
  });

  it('pages through orders newest first with cursors and a status filter', async () => {
    const carol = await stack.token(`carol-${randomUUID()}`);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await stack.graphql<{ placeOrder: PlacedOrder }>(PLACE, { input: { items: [{ sku: `P-${i}`, quantity: 1 }] } }, carol)).data!.placeOrder.id);
    }
    type Page = { orders: { edges: { cursor: string; node: { id: string; status: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    await eventually(async () => {
      const page = await stack.graphql<Page>(ORDERS, { first: 10 }, carol);
      return page.data!.orders.edges.length === 5 ? true : undefined;
    }, 15_000, 'five projected orders');
    const first = await stack.graphql<Page>(ORDERS, { first: 2 }, carol);
    const second = await stack.graphql<Page>(ORDERS, { first: 2, after: first.data!.orders.pageInfo.endCursor }, carol);
    const third = await stack.graphql<Page>(ORDERS, { first: 2, after: second.data!.orders.pageInfo.endCursor }, carol);
    const listed = [first, second, third].flatMap((page) => page.data!.orders.edges.map((edge) => edge.node.id));
    expect(listed).toEqual([...ids].reverse());
    expect([first, second, third].map((page) => page.data!.orders.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect((await stack.graphql<Page>(ORDERS, { status: 'CANCELLED' }, carol)).data!.orders.edges).toEqual([]);
    expect((await stack.graphql(ORDERS, { first: 0 }, carol)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await stack.graphql(ORDERS, { after: 'garbage' }, carol)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('rejected requests change nothing', () => {
  const invalidInputs: [string, unknown][] = [
    ['no items', { items: [] }],
    ['quantity 0', { items: [{ sku: 'A', quantity: 0 }] }],
    ['quantity 1001', { items: [{ sku: 'A', quantity: 1001 }] }],
    ['101 lines', { items: Array.from({ length: 101 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })) }],
    ['an empty sku', { items: [{ sku: ' ', quantity: 1 }] }],
    ['a duplicate sku', { items: [{ sku: 'A', quantity: 1 }, { sku: 'A', quantity: 2 }] }],
  ];

  it.each(invalidInputs)('placeOrder with %s is BAD_USER_INPUT', async (_name, input) => {
    const before = await storedCommits();
    const keysBefore = await orderDb.collection('idempotency_keys').countDocuments();
    const result = await stack.graphql(PLACE, { input: { ...(input as object), idempotencyKey: randomUUID() } }, alice);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await storedCommits()).toBe(before);
    expect(await orderDb.collection('idempotency_keys').countDocuments()).toBe(keysBefore);
  });

  it('placeOrder without a token is UNAUTHENTICATED', async () => {
    const before = await storedCommits();
    const result = await stack.graphql(PLACE, { input: { items: [{ sku: 'A', quantity: 1 }] } });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await storedCommits()).toBe(before);
  });

  it('a forged or expired token is UNAUTHENTICATED', async () => {
    const before = await storedCommits();
    const forged = await stack.token('alice', 'admin', 'not-the-secret');
    const result = await stack.graphql(PLACE, { input: { items: [{ sku: 'A', quantity: 1 }] } }, forged);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const garbage = await stack.graphql(ORDERS, {}, 'not.a.jwt');
    expect(garbage.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await storedCommits()).toBe(before);
  });
});
