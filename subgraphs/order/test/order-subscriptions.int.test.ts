import { randomUUID } from 'node:crypto';
import { envelopeToMessage } from '@tributary/bus';
import { TOPICS, type Actor } from '@tributary/contracts';
import { createRedisChangeFeed, type ChangeFeed, type Service } from '@tributary/service';
import { createLogger } from '@tributary/telemetry';
import {
  callSubgraph,
  connectSubgraphSubscriptions,
  countSubscriptions,
  eventually,
  startInfrastructure,
  type SubgraphSubscriptions,
  type SubscriptionProbe,
  type TestInfrastructure,
} from '@tributary/testing/stack';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderService } from '../src/app.ts';
import { ORDER_CHANGES_CHANNEL } from '../src/projections/order-read-model.ts';

// orderChanged end to end on the embedded stack: mutations -> event store -> Kafka -> the
// read-model projector -> Redis change feed -> graphql-ws, signed the way the gateway signs.

let infra: TestInfrastructure;
let feed: ChangeFeed & { active(channel?: string): number };
let service: Service;
let url: string;
let client: SubgraphSubscriptions;
let producer: Producer;

const alice: Actor = { customerId: `alice-${randomUUID().slice(0, 8)}`, role: 'customer' };
const bob: Actor = { customerId: `bob-${randomUUID().slice(0, 8)}`, role: 'customer' };
const admin: Actor = { customerId: 'root', role: 'admin' };

interface OrderChange {
  orderChanged: { id: string; customerId: string; status: string; events: { aggregateVersion: number }[] };
}
const ORDER_CHANGED = `subscription($id: ID, $current: Boolean) {
  orderChanged(id: $id, includeCurrent: $current) { id customerId status events { aggregateVersion } }
}`;

beforeAll(async () => {
  infra = await startInfrastructure({ redis: true });
  const logger = createLogger('order-subscriptions-test', 'silent');
  feed = countSubscriptions(createRedisChangeFeed({ url: infra.redisUrl!, service: 'order', logger }));
  service = createOrderService({
    config: { host: '127.0.0.1', port: 0, kafkaPartitions: 2 },
    logger,
    connection: await infra.connect('tributary_order'),
    kafka: infra.kafka('order'),
    verifier: await infra.verifier('order'),
    orderDeadlineMs: 120_000,
    groupSuffix: `.${randomUUID()}`,
    changeFeed: feed,
  });
  url = await service.start();
  client = connectSubgraphSubscriptions(url, { audience: 'order', signer: infra.signer });
  producer = infra.kafka('order-subscriptions-producer').producer();
  await producer.connect();
});

afterAll(async () => {
  await client?.close();
  await producer?.disconnect();
  await service?.stop();
  await infra?.stop();
});

function call<T>(query: string, variables: Record<string, unknown>, actor: Actor) {
  return callSubgraph<T>(url, { query, variables }, { audience: 'order', actor, signer: infra.signer });
}

async function place(actor: Actor): Promise<string> {
  const result = await call<{ placeOrder: { id: string } }>('mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', { input: { items: [{ sku: 'SKU-1', quantity: 1 }] } }, actor);
  expect(result.errors).toBeUndefined();
  return result.data!.placeOrder.id;
}

async function cancel(id: string, actor: Actor): Promise<void> {
  const result = await call('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id }, actor);
  expect(result.errors).toBeUndefined();
}

/** Resolves once the order is in the read model (projected). */
const projected = (id: string, status = 'PENDING') =>
  eventually(async () => (await call<{ order: { status: string } | null }>('query($id: ID!) { order(id: $id) { status } }', { id }, admin)).data?.order?.status === status, 15_000, `order ${id} ${status}`);

/** Waits until `count` orderChanged subscriptions are live in the service. */
const live = (count: number) => eventually(async () => feed.active(ORDER_CHANGES_CHANNEL) >= count, 10_000, `${count} live subscriptions`);

/** The statuses a probe received for one order, in order. */
const statusesOf = (probe: SubscriptionProbe<OrderChange>, id: string) =>
  probe.results.map((result) => result.data?.orderChanged).filter((order) => order?.id === id).map((order) => `${order!.status}@${order!.events.length}`);

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('orderChanged', () => {
  it('sends a customer each change of their orders as it is projected, and nothing of anyone else', async () => {
    const asAlice = await client.subscribe<OrderChange>(ORDER_CHANGED, undefined, alice);
    const asBob = await client.subscribe<OrderChange>(ORDER_CHANGED, undefined, bob);
    const asAdmin = await client.subscribe<OrderChange>(ORDER_CHANGED, undefined, admin);
    await live(3);
    const id = await place(alice);
    await eventually(async () => statusesOf(asAlice, id).length === 1 && statusesOf(asAdmin, id).length === 1, 15_000, 'the new order');
    await cancel(id, alice);
    await eventually(async () => statusesOf(asAlice, id).length === 2, 15_000, 'the cancellation');
    await settle();
    expect(statusesOf(asAlice, id)).toEqual(['PENDING@1', 'CANCELLED@2']);
    expect(statusesOf(asAdmin, id)).toEqual(['PENDING@1', 'CANCELLED@2']);
    expect(asAlice.results.every((result) => result.data?.orderChanged.customerId === alice.customerId)).toBe(true);
    expect(asBob.results).toEqual([]);
    for (const probe of [asAlice, asBob, asAdmin]) probe.unsubscribe();
    await eventually(async () => feed.active(ORDER_CHANGES_CHANNEL) === 0, 10_000, 'the subscriptions to end in the service');
  });

  it('follows one order with includeCurrent: the current state first, then the changes, none repeated', async () => {
    const id = await place(alice);
    await projected(id);
    const probe = await client.subscribe<OrderChange>(ORDER_CHANGED, { id, current: true }, alice);
    await probe.take(1);
    await cancel(id, alice);
    await eventually(async () => statusesOf(probe, id).length === 2, 15_000, 'the cancellation');
    await settle();
    expect(statusesOf(probe, id)).toEqual(['PENDING@1', 'CANCELLED@2']);
    probe.unsubscribe();
  });

  it('sends nothing twice when Kafka delivers an event again (the projector announces it again)', async () => {
    const id = await place(alice);
    const probe = await client.subscribe<OrderChange>(ORDER_CHANGED, { id }, alice);
    await live(1);
    await cancel(id, alice);
    await eventually(async () => statusesOf(probe, id).includes('CANCELLED@2'), 15_000, 'the cancellation');
    // The whole stream delivered once more: the last event re-announces version 2, which the
    // subscriber already has.
    const stream = await service.runtime.store.readStream(id);
    await producer.send({ topic: TOPICS.order, acks: -1, messages: stream.map(envelopeToMessage) });
    await settle();
    await settle();
    expect(statusesOf(probe, id).filter((status) => status === 'CANCELLED@2')).toHaveLength(1);
    probe.unsubscribe();
  });

  it('sends the caller their current orders first without an id: theirs only, newest first', async () => {
    const [older, newer] = [await place(alice), await place(alice)];
    const others = await place(bob);
    await Promise.all([projected(older), projected(newer), projected(others)]);
    const probe = await client.subscribe<OrderChange>(ORDER_CHANGED, { current: true }, alice);
    await eventually(async () => statusesOf(probe, older).length === 1, 10_000, 'the current orders');
    const ids = probe.results.map((result) => result.data!.orderChanged.id);
    expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
    expect(ids).not.toContain(others);
    expect(probe.results.every((result) => result.data?.orderChanged.customerId === alice.customerId)).toBe(true);
    probe.unsubscribe();
  });

  it("refuses another customer's order with NOT_FOUND, and a caller without a token with UNAUTHENTICATED", async () => {
    const id = await place(alice);
    await projected(id);
    const asBob = await client.subscribe<OrderChange>(ORDER_CHANGED, { id, current: true }, bob);
    expect((await asBob.take(1))[0]?.errors).toEqual([expect.objectContaining({ message: `order ${id} not found`, extensions: { code: 'NOT_FOUND' } })]);
    const anonymous = await client.subscribe<OrderChange>(ORDER_CHANGED, undefined, null);
    expect((await anonymous.take(1))[0]?.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    await eventually(async () => feed.active(ORDER_CHANGES_CHANNEL) === 0, 10_000, 'no subscription left behind');
  });

  it('refuses a subscribe the gateway did not sign', async () => {
    const unsigned = connectSubgraphSubscriptions(url, { audience: 'order', signer: null });
    try {
      const probe = await unsigned.subscribe(ORDER_CHANGED, undefined, alice);
      expect((await probe.ended()).closed?.code).toBe(4401);
    } finally {
      await unsigned.close();
    }
  });
});
