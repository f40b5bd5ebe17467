import type { SpanRecord } from '@tributary/telemetry/tracing';
import { startInMemoryTracing, type InMemoryTracing } from '@tributary/telemetry/tracing/testing';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.ts';
import { collect, gatewayClient, until } from '../subscriptions/subscription-client.ts';

const PLACE = `mutation { placeOrder(input: { items: [{ sku: "SKU-1", quantity: 1 }] }) { id status } }`;
const SERVICES = ['order', 'inventory', 'payment', 'notification'] as const;

let tracing: InMemoryTracing;
let stack: Stack;
let client: Client;
let orderId: string;
let trace: SpanRecord[];
let events: ReturnType<typeof collect<{ orderChanged: { id: string; status: string } }>>;

// Tracing on (in memory) before anything is built: the whole stack runs in this process, and
// the instrumentations are not preloaded here, so the spans are those of our own code (event
// store, relay, consumers, subscriptions) and of Apollo's gateway; the preload's are checked by
// test/tracing/preload.int.test.ts.
beforeAll(async () => {
  tracing = startInMemoryTracing();
  stack = await startStack({ seedDemoCatalogue: true });
  client = gatewayClient(stack.graphqlUrl, { authorization: `Bearer ${await stack.token('alice')}` });
  events = collect(client, 'subscription { orderChanged { id status } }');
  // The subscription is live once the current (empty) state would have been sent; give it a moment.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const placed = await stack.graphql<{ placeOrder: { id: string } }>(PLACE, {}, await stack.token('alice'));
  expect(placed.errors).toBeUndefined();
  orderId = placed.data!.placeOrder.id;
  // The saga ends with the notification's read model taking NotificationSent.
  await until(
    () => {
      expect(tracing.spans().some((span) => span.name === 'process NotificationSent' && span.attributes['tributary.order_id'] === orderId)).toBe(true);
      expect(events.results.some((result) => result.data?.orderChanged.status === 'CONFIRMED')).toBe(true);
    },
    { timeoutMs: 30_000 },
  );
  const placedBy = tracing.spans().find((span) => span.name === 'append OrderPlaced' && span.attributes['tributary.order_id'] === orderId)!;
  trace = tracing.spans().filter((span) => span.traceId === placedBy.traceId);
});

afterAll(async () => {
  events?.unsubscribe();
  await client?.dispose();
  await stack?.stop();
  await tracing?.shutdown();
});

const byId = (id: string | undefined) => trace.find((span) => span.spanId === id);
/** The service a consumer span ran in: its consumer group is `<service>.<consumer>.<test suffix>`. */
const serviceOf = (span: SpanRecord) => String(span.attributes['messaging.consumer.group.name']).split('.')[0];

describe('one order, one trace', () => {
  it('spans the gateway, then order, inventory, payment and notification', () => {
    expect(trace.some((span) => span.name === 'gateway.request')).toBe(true);
    const consumers = trace.filter((span) => span.kind === 'CONSUMER');
    expect(new Set(consumers.map(serviceOf))).toEqual(new Set(SERVICES));
    expect(consumers.map((span) => span.name)).toEqual(
      expect.arrayContaining(['process OrderPlaced', 'process StockReserved', 'process PaymentCaptured', 'process OrderConfirmed', 'process NotificationSent']),
    );
    // Every saga step of this order stayed in this trace.
    const tagged = tracing.spans().filter((span) => span.attributes['tributary.order_id'] === orderId && !span.name.startsWith('subscription event'));
    expect(new Set(tagged.map((span) => span.traceId))).toEqual(new Set([trace[0]!.traceId]));
  });

  it('starts the order under the gateway fetch that carried the mutation to the order subgraph', () => {
    const append = trace.find((span) => span.name === 'append OrderPlaced')!;
    // Without the http instrumentation in this process, the parent is the gateway.fetch span
    // whose traceparent the gateway's transport put on the subgraph request.
    let ancestor = byId(append.parentSpanId);
    while (ancestor && ancestor.name !== 'gateway.fetch') ancestor = byId(ancestor.parentSpanId);
    expect(ancestor?.name).toBe('gateway.fetch');
    expect(append.attributes).toMatchObject({ 'tributary.order_id': orderId, 'tributary.event_type': 'OrderPlaced' });
  });

  it('parents every consumer through the Kafka hop: append, then the relay publish, then process', () => {
    for (const consumer of trace.filter((span) => span.kind === 'CONSUMER')) {
      const publish = byId(consumer.parentSpanId);
      expect(publish, `${consumer.name} in ${consumer.attributes['messaging.consumer.group.name']}`).toMatchObject({ kind: 'PRODUCER', name: consumer.name.replace('process', 'publish') });
      expect(publish!.attributes['messaging.message.id']).toBe(consumer.attributes['messaging.message.id']);
      expect(byId(publish!.parentSpanId)?.name).toMatch(/^append /);
    }
  });

  it('nests what a reaction appends under the reaction', () => {
    const reserved = trace.find((span) => span.name === 'append StockReserved')!;
    let ancestor = byId(reserved.parentSpanId);
    while (ancestor && ancestor.kind !== 'CONSUMER') ancestor = byId(ancestor.parentSpanId);
    expect(ancestor).toMatchObject({ name: 'process OrderPlaced', attributes: { 'messaging.consumer.group.name': expect.stringMatching(/^inventory\.reservations/) } });
  });

  it('traces each subscription event sent back to the client, tagged with the order', () => {
    const sent = tracing.spans().filter((span) => span.name === 'subscription event orderChanged' && span.attributes['tributary.order_id'] === orderId);
    expect(sent.length).toBeGreaterThanOrEqual(1);
  });
});
