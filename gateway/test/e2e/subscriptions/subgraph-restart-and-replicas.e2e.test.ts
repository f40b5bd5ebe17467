import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack.ts';
import { collect, gatewayClient, metricValue, until } from '../../subscriptions/subscription-client.ts';
import { sagaClient } from '../saga/saga-client.ts';

interface OrderEvent {
  orderChanged: { id: string; status: string };
}

let stack: Stack;
let saga: ReturnType<typeof sagaClient>;
let alice: string;
let sku: string;

beforeAll(async () => {
  stack = await startStack();
  saga = sagaClient(stack);
  alice = await stack.token('alice');
  sku = await saga.addProduct(await stack.token('root', 'admin'), 1_000);
});

afterAll(async () => {
  await stack?.stop();
});

const lastStatus = (results: { data?: OrderEvent | null }[], id: string) =>
  results.map((r) => r.data?.orderChanged).filter((order) => order?.id === id).at(-1)?.status;

describe('subscriptions survive subgraph restarts and span replicas', () => {
  it('keeps a client subscribed while the order subgraph restarts', async () => {
    const client = gatewayClient(stack.graphqlUrl, { authorization: `Bearer ${alice}` });
    const sub = collect<OrderEvent>(client, 'subscription { orderChanged(includeCurrent: true) { id status } }');
    const before = await saga.place(alice, [{ sku, quantity: 1 }]);
    await until(() => expect(lastStatus(sub.results, before)).toBe('CONFIRMED'), { timeoutMs: 20_000 });

    await stack.restart('order');
    const after = await saga.place(alice, [{ sku, quantity: 1 }]);
    // The gateway resubscribes by itself; with includeCurrent the state is re-sent, so even a
    // change published while it was reconnecting reaches the client.
    await until(() => expect(lastStatus(sub.results, after)).toBe('CONFIRMED'), { timeoutMs: 30_000 });
    expect(sub.results.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(await metricValue(stack.graphqlUrl, 'gateway_subscription_upstream_reconnects_total')).toBeGreaterThanOrEqual(1);
    sub.unsubscribe();
    await client.dispose();
  });

  it('delivers a change projected by one replica to a subscriber connected through another', async () => {
    const replicaUrl = await stack.startReplica('order');
    // Both replicas share the read-model consumer group: wait until each owns partitions.
    const admin = stack.infra.kafka('e2e-admin').admin();
    await admin.connect();
    const { groups } = await admin.listGroups();
    const group = groups.find((g) => g.groupId.startsWith('order.read-model'))!.groupId;
    await until(async () => {
      const [description] = (await admin.describeGroups([group])).groups;
      expect(description?.state).toBe('Stable');
      expect(description?.members).toHaveLength(2);
    }, { timeoutMs: 30_000 });
    await admin.disconnect();

    // A second gateway whose order subgraph is the replica: its subscriber hears only what the
    // replica publishes on Redis, and receives every order, whichever replica projected it.
    const viaReplica = await stack.gatewayWith({ order: replicaUrl });
    const client = gatewayClient(viaReplica, { authorization: `Bearer ${alice}` });
    const sub = collect<OrderEvent>(client, 'subscription { orderChanged { id status } }');
    await until(async () => expect(await metricValue(viaReplica, 'gateway_subscription_upstreams_active')).toBe(1));
    const ids: string[] = [];
    for (let i = 0; i < 15; i += 1) ids.push(await saga.place(alice, [{ sku, quantity: 1 }]));
    await until(() => expect(ids.map((id) => lastStatus(sub.results, id))).toEqual(ids.map(() => 'CONFIRMED')), { timeoutMs: 60_000 });
    // Both replicas projected some of them (three partitions over two group members).
    const projected = await Promise.all([stack.subgraphUrls.order!, replicaUrl].map((url) => metricValue(url, 'events_consumed_total', ['group="order.read-model', 'type="OrderPlaced"', 'outcome="processed"'])));
    expect(projected.every((count) => count > 0)).toBe(true);
    sub.unsubscribe();
    await client.dispose();
  });
});
