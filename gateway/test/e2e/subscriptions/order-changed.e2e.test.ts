import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack.ts';
import { collect, gatewayClient, metricValue, until } from '../../subscriptions/subscription-client.ts';
import { sagaClient } from '../saga/saga-client.ts';

/** The example: a field of the order subgraph's subscription plus fields of inventory and payment. */
const ORDER_CHANGED = `subscription Follow($id: ID) {
  orderChanged(id: $id) { id customerId status items { quantity product { name } } payment { status } }
}`;

interface OrderEvent {
  orderChanged: { id: string; customerId: string; status: string; items: { quantity: number; product: { name: string } | null }[]; payment: { status: string } | null };
}

let stack: Stack;
let saga: ReturnType<typeof sagaClient>;
let tokens: { alice: string; bob: string; admin: string };
/** A product of this file's own, so no other test's orders take its stock. */
let sku: string;

beforeAll(async () => {
  stack = await startStack({ seedDemoCatalogue: true });
  saga = sagaClient(stack);
  tokens = { alice: await stack.token('alice'), bob: await stack.token('bob'), admin: await stack.token('root', 'admin') };
  sku = await saga.addProduct(tokens.admin, 1_000);
});

afterAll(async () => {
  await stack?.stop();
});

const statusesOf = (results: { data?: OrderEvent | null }[], id: string) =>
  results.map((r) => r.data?.orderChanged).filter((o) => o?.id === id).map((o) => o!.status);

describe('orderChanged through the gateway', () => {
  it('streams PENDING then CONFIRMED with product names and the payment status, to the owner and admins only', async () => {
    const alice = gatewayClient(stack.graphqlUrl, { authorization: `Bearer ${tokens.alice}` });
    const bob = gatewayClient(stack.graphqlUrl, { authorization: `Bearer ${tokens.bob}` });
    const admin = gatewayClient(stack.graphqlUrl, { authorization: `Bearer ${tokens.admin}` });
    const mine = collect<OrderEvent>(alice, ORDER_CHANGED);
    const others = collect<OrderEvent>(bob, ORDER_CHANGED);
    const everyone = collect<OrderEvent>(admin, ORDER_CHANGED);
    await until(async () => expect(await metricValue(stack.graphqlUrl, 'gateway_subscriptions_active')).toBe(3));
    // The subgraph subscriptions are open once the gateway holds its upstreams; give them a moment to be live.
    await until(async () => expect(await metricValue(stack.graphqlUrl, 'gateway_subscription_upstreams_active')).toBe(3));

    const id = await saga.place(tokens.alice, [{ sku: 'SKU-1', quantity: 1 }, { sku: 'SKU-2', quantity: 2 }]);
    await until(() => expect(statusesOf(mine.results, id).at(-1)).toBe('CONFIRMED'), { timeoutMs: 20_000 });

    expect(mine.results.every((r) => r.errors === undefined)).toBe(true);
    // In order, each state once: the per-document version filter drops repeats.
    expect(statusesOf(mine.results, id)).toEqual(['PENDING', 'CONFIRMED']);
    const confirmed = mine.results.at(-1)!.data!.orderChanged;
    expect(confirmed.customerId).toBe('alice');
    expect(confirmed.items.map((item) => item.product?.name)).toEqual([expect.any(String), expect.any(String)]);
    expect(confirmed.items.every((item) => (item.product?.name.length ?? 0) > 0)).toBe(true);
    expect(confirmed.payment?.status).toBe('CAPTURED');

    await until(() => expect(statusesOf(everyone.results, id)).toEqual(['PENDING', 'CONFIRMED']));
    expect(others.results.filter((r) => r.data?.orderChanged.customerId !== 'bob')).toEqual([]);
    for (const sub of [mine, others, everyone]) sub.unsubscribe();
    await Promise.all([alice.dispose(), bob.dispose(), admin.dispose()]);
  });

  it('sends the current state first with includeCurrent, then the changes', async () => {
    const id = await saga.place(tokens.alice, [{ sku, quantity: 1 }]);
    await saga.until(id, tokens.alice, (order) => order.status === 'CONFIRMED', 'order confirmed');
    const client = gatewayClient(stack.graphqlUrl, { authorization: `Bearer ${tokens.alice}` });
    const sub = collect<OrderEvent>(client, 'subscription($id: ID) { orderChanged(id: $id, includeCurrent: true) { id status } }', { id });
    await until(() => expect(sub.results).toHaveLength(1));
    expect(sub.results[0]?.data).toEqual({ orderChanged: { id, status: 'CONFIRMED' } });
    const cancelled = await stack.graphql('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id }, tokens.alice);
    expect(cancelled.errors).toBeUndefined();
    await until(() => expect(statusesOf(sub.results, id)).toEqual(['CONFIRMED', 'CANCELLED']), { timeoutMs: 20_000 });
    sub.unsubscribe();
    await client.dispose();
  });

  it('refuses another customer\'s order, an anonymous caller and a bad token', async () => {
    const id = await saga.place(tokens.alice, [{ sku, quantity: 1 }]);
    await saga.until(id, tokens.alice, (order) => order.status === 'CONFIRMED', 'order confirmed');
    const bob = gatewayClient(stack.graphqlUrl, { authorization: `Bearer ${tokens.bob}` });
    const theirs = collect<OrderEvent>(bob, 'subscription($id: ID) { orderChanged(id: $id, includeCurrent: true) { id status } }', { id });
    await theirs.done.catch(() => undefined);
    expect(theirs.results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.['code'])).toEqual(['NOT_FOUND']);
    expect(theirs.results.some((r) => r.data)).toBe(false);

    const anonymous = gatewayClient(stack.graphqlUrl);
    const refused = collect<OrderEvent>(anonymous, ORDER_CHANGED);
    await refused.done.catch(() => undefined);
    expect(refused.results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.['code'])).toContain('UNAUTHENTICATED');

    let closed: { code: number; reason: string } | undefined;
    const forged = gatewayClient(stack.graphqlUrl, { authorization: `Bearer ${await stack.token('alice', 'customer', 'not-the-gateway-secret-at-all-0123456789')}` }, (event) => (closed = event));
    await expect(collect(forged, ORDER_CHANGED).done).rejects.toBeDefined();
    expect(closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/signature/) });
    await Promise.all([bob.dispose(), anonymous.dispose(), forged.dispose()]);
  });

  it('shares one upstream subscription between two identical client subscriptions, and both get every event', async () => {
    const before = await metricValue(stack.graphqlUrl, 'gateway_subscription_upstreams_active');
    const [one, two] = [0, 1].map(() => gatewayClient(stack.graphqlUrl, { authorization: `Bearer ${tokens.bob}` }));
    const first = collect<OrderEvent>(one!, ORDER_CHANGED);
    const second = collect<OrderEvent>(two!, ORDER_CHANGED);
    await until(async () => expect(await metricValue(stack.graphqlUrl, 'gateway_subscriptions_active')).toBe(2));
    expect(await metricValue(stack.graphqlUrl, 'gateway_subscription_upstreams_active')).toBe(before + 1);
    const id = await saga.place(tokens.bob, [{ sku, quantity: 1 }]);
    await until(() => expect(statusesOf(second.results, id)).toEqual(['PENDING', 'CONFIRMED']), { timeoutMs: 20_000 });
    expect(first.results).toEqual(second.results);
    first.unsubscribe();
    second.unsubscribe();
    await until(async () => expect(await metricValue(stack.graphqlUrl, 'gateway_subscription_upstreams_active')).toBe(before));
    await Promise.all([one!.dispose(), two!.dispose()]);
  });
});
