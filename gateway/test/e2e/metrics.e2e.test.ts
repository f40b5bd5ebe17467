import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startStack, type Stack, type SubgraphName } from '../support/stack.ts';
import { scrape, select, total } from '../support/metrics-text.ts';
import { sagaClient } from './saga/saga-client.ts';

/**
 * One order through the whole in-process stack, then every process's /metrics: the gateway's
 * operation and subgraph-fetch metrics, the saga's outcome counted once by the order service,
 * and each subgraph's consumers, consumer lag and outbox. No timing assertions: durations are
 * only checked to be recorded.
 */
const SUBGRAPHS: SubgraphName[] = ['order', 'inventory', 'payment', 'notification'];
const PLACE = `mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;

let stack: Stack;
let client: ReturnType<typeof sagaClient>;
let alice: string;
let orderId: string;

beforeAll(async () => {
  stack = await startStack();
  client = sagaClient(stack);
  alice = await stack.token('alice');
  const sku = await client.addProduct(await stack.token('root', 'admin'), 5);
  const placed = await stack.graphql<{ placeOrder: { id: string } }>(PLACE, { input: { items: [{ sku, quantity: 1 }] } }, alice);
  expect(placed.errors).toBeUndefined();
  orderId = placed.data!.placeOrder.id;
  // The query that waits joins all four subgraphs, so every data source fetches at least once.
  await client.until(orderId, alice, (order) => order.status === 'CONFIRMED' && order.notifications.length === 1, 'CONFIRMED and mailed');
});

afterAll(async () => {
  await stack?.stop();
});

/** Every consumer group of one service, as the broker knows them (the stack has its own broker). */
async function groupsOf(service: SubgraphName): Promise<string[]> {
  const admin = stack.infra.kafka('metrics-e2e').admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(`${service}.`)).sort();
  } finally {
    await admin.disconnect();
  }
}

describe('metrics on every process after one order', () => {
  it('the gateway counts placeOrder and times fetches to each subgraph', async () => {
    const samples = await scrape(stack.graphqlUrl);
    expect(total(samples, 'graphql_operations_total', { operation_name: 'PlaceOrder', operation_type: 'mutation', outcome: 'success' })).toBe(1);
    expect(total(samples, 'graphql_operation_duration_seconds_count', { operation_name: 'PlaceOrder', operation_type: 'mutation', outcome: 'success' })).toBe(1);
    for (const subgraph of SUBGRAPHS) {
      expect(total(samples, 'graphql_subgraph_fetch_duration_seconds_count', { subgraph, outcome: 'success' }), subgraph).toBeGreaterThan(0);
    }
    expect(select(samples, 'graphql_operation_limit_refusals_total').map((sample) => sample.labels.limit)).toContain('depth');
    expect(select(samples, 'gateway_subscriptions_active')).toHaveLength(1);
  });

  it('the order service counts the confirmed order once, with its saga duration', async () => {
    const samples = await eventually(async () => {
      const current = await scrape(stack.subgraphUrls.order!);
      return total(current, 'orders_total', { outcome: 'confirmed' }) === 1 && current;
    }, 30_000, 'orders_total{outcome="confirmed"} 1');
    expect(total(samples, 'order_saga_duration_seconds_count', { outcome: 'confirmed' })).toBe(1);
    expect(total(samples, 'orders_total', { outcome: 'cancelled_out_of_stock' })).toBe(0);
    expect(total(samples, 'order_saga_duration_seconds_count')).toBe(1);
  });

  it('every subgraph counts consumed events, and its consumer lag and outbox drain to 0', async () => {
    for (const service of SUBGRAPHS) {
      const groups = await groupsOf(service);
      expect(groups.length, `${service} consumer groups`).toBeGreaterThan(0);
      const samples = await eventually(async () => {
        const current = await scrape(stack.subgraphUrls[service]!);
        const lag = select(current, 'kafka_consumer_lag');
        const reported = [...new Set(lag.map((sample) => sample.labels.group!))].sort();
        const drained = lag.every((sample) => sample.value === 0) && total(current, 'outbox_pending') === 0 && select(current, 'outbox_pending').length === 1;
        return JSON.stringify(reported) === JSON.stringify(groups) && drained && current;
      }, 60_000, `${service}: kafka_consumer_lag 0 for ${groups.join(', ')} and outbox_pending 0`);
      expect(total(samples, 'events_consumed_total', { outcome: 'processed' }), `${service} events_consumed_total`).toBeGreaterThan(0);
      expect(total(samples, 'events_consumed_total', { outcome: 'dead_lettered' })).toBe(0);
      expect(total(samples, 'events_dead_lettered_total')).toBe(0);
      // One series per partition of every topic a group reads (three partitions each here).
      expect(select(samples, 'kafka_consumer_lag').length % 3).toBe(0);
    }
  });

  it('the services that publish record their outbox latency', async () => {
    for (const service of SUBGRAPHS) {
      const samples = await scrape(stack.subgraphUrls[service]!);
      expect(total(samples, 'outbox_publish_latency_seconds_count'), service).toBeGreaterThan(0);
      expect(total(samples, 'outbox_published_events_total'), service).toBeGreaterThan(0);
    }
  });
});
