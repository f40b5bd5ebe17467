import { randomUUID } from 'node:crypto';
import { envelopeToMessage } from '@tributary/bus';
import { createEnvelope, TOPICS, type Actor, type DomainEvent } from '@tributary/contracts';
import { ASSERTION_HEADER, createAssertionSigner, generateAssertionKeyPair } from '@tributary/http';
import type { Service } from '@tributary/service';
import { createLogger } from '@tributary/telemetry';
import { callSubgraph, eventually, startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderService } from '../src/app.ts';

/** The order service on the embedded stack: trust, the saga's verdicts and deadlines. */
let infra: TestInfrastructure;
let service: Service;
let url: string;
let producer: Producer;
const alice: Actor = { customerId: 'alice', role: 'customer' };
const admin: Actor = { customerId: 'root', role: 'admin' };

const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status paymentMethod } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status cancellationReason cancellationDetail } }`;

function call<T>(query: string, variables: Record<string, unknown>, actor: Actor | null = alice) {
  return callSubgraph<T>(url, { query, variables }, { audience: 'order', actor, signer: infra.signer });
}

async function place(paymentMethod?: string): Promise<string> {
  const result = await call<{ placeOrder: { id: string } }>(PLACE, { input: { items: [{ sku: 'SKU-1', quantity: 1 }], paymentMethod } });
  expect(result.errors).toBeUndefined();
  return result.data!.placeOrder.id;
}

async function publish<T extends 'StockRejected' | 'PaymentCaptured' | 'PaymentDeclined'>(event: DomainEvent<T>, aggregateId: string, topic: string) {
  const envelope = createEnvelope(event, {
    id: randomUUID(), aggregateId, aggregateVersion: 1, occurredAt: new Date().toISOString(),
    correlationId: aggregateId, causationId: randomUUID(), actor: { customerId: 'system', role: 'system' },
  });
  // Delivered twice: the saga step must be idempotent.
  await producer.send({ topic, acks: -1, messages: [envelopeToMessage(envelope), envelopeToMessage(envelope)] });
}

async function statusOf(id: string) {
  const result = await call<{ order: { status: string; cancellationReason: string | null; cancellationDetail: string | null } | null }>(ORDER, { id });
  return result.data?.order ?? null;
}

beforeAll(async () => {
  infra = await startInfrastructure();
  service = createOrderService({
    config: { host: '127.0.0.1', port: 0, kafkaPartitions: 2 },
    logger: createLogger('order-test', 'silent'),
    connection: await infra.connect('tributary_order'),
    kafka: infra.kafka('order'),
    verifier: await infra.verifier('order'),
    orderDeadlineMs: 1_500,
    groupSuffix: `.${randomUUID()}`,
  });
  url = await service.start();
  producer = infra.kafka('order-test-producer').producer();
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await service?.stop();
  await infra?.stop();
});

describe('trust: only the gateway may call the subgraph', () => {
  const query = `{ orders(first: 5) { edges { node { id } } } }`;

  it('refuses a request without an assertion with 401 and changes nothing', async () => {
    const before = await infra.connect('tributary_order').then((db) => db.collection('event_commits').countDocuments());
    const result = await callSubgraph(url, { query: PLACE, variables: { input: { items: [{ sku: 'SKU-1', quantity: 1 }] } } }, { audience: 'order', actor: admin, signer: null });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const after = await infra.connect('tributary_order').then((db) => db.collection('event_commits').countDocuments());
    expect(after).toBe(before);
  });

  it('refuses the old plain actor header', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tributary-actor': JSON.stringify(admin) },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(401);
  });

  it('refuses an assertion signed with another key (forged)', async () => {
    const forger = await createAssertionSigner({ privateKeyPem: (await generateAssertionKeyPair()).privateKeyPem });
    const result = await callSubgraph(url, { query }, { audience: 'order', actor: admin, signer: forger });
    expect(result.status).toBe(401);
  });

  it('refuses an assertion for another subgraph, an expired one, and one bound to another body', async () => {
    expect((await callSubgraph(url, { query }, { audience: 'payment', actor: admin, signer: infra.signer })).status).toBe(401);
    const past = await createAssertionSigner({ privateKeyPem: infra.keys.privateKeyPem, now: () => Date.now() - 120_000 });
    expect((await callSubgraph(url, { query }, { audience: 'order', actor: admin, signer: past })).status).toBe(401);
    const other = await infra.signer.sign('order', admin, JSON.stringify({ query: '{ __typename }' }));
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [ASSERTION_HEADER]: other }, body: JSON.stringify({ query }) });
    expect(response.status).toBe(401);
  });

  it('refuses a replayed assertion', async () => {
    const body = JSON.stringify({ query });
    const assertion = await infra.signer.sign('order', admin, body);
    const send = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [ASSERTION_HEADER]: assertion }, body });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(401);
  });

  it('answers a signed request, with the actor the gateway vouched for', async () => {
    const result = await call<{ placeOrder: { status: string; paymentMethod: string } }>(PLACE, { input: { items: [{ sku: 'SKU-1', quantity: 1 }] } });
    expect(result.data?.placeOrder).toMatchObject({ status: 'PENDING', paymentMethod: 'pm_card_ok' });
    expect((await call(`{ orders { edges { node { id } } } }`, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('the saga’s verdicts', () => {
  it('confirms on PaymentCaptured (once, even when delivered twice)', async () => {
    const id = await place();
    await publish({ type: 'PaymentCaptured', data: { paymentId: `pay_${id}`, orderId: id, amount: { amount: 100, currency: 'EUR' }, capturedAt: new Date().toISOString() } }, id, TOPICS.payment);
    await eventually(async () => (await statusOf(id))?.status === 'CONFIRMED', 10_000, 'CONFIRMED');
    const events = await service.runtime.store.readStream(id);
    expect(events.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderConfirmed']);
  });

  it('cancels OUT_OF_STOCK on StockRejected, naming the skus', async () => {
    const id = await place();
    await publish({ type: 'StockRejected', data: { orderId: id, reason: 'insufficient stock', unavailable: [{ sku: 'SKU-1', requested: 1, available: 0 }], rejectedAt: new Date().toISOString() } }, id, TOPICS.inventory);
    const order = await eventually(async () => { const o = await statusOf(id); return o?.status === 'CANCELLED' ? o : null; }, 10_000, 'CANCELLED');
    expect(order).toMatchObject({ cancellationReason: 'OUT_OF_STOCK' });
    expect(order.cancellationDetail).toContain('SKU-1');
    expect((await service.runtime.store.readStream(id)).map((event) => event.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
  });

  it('cancels PAYMENT_DECLINED on PaymentDeclined', async () => {
    const id = await place('pm_card_declined');
    await publish({ type: 'PaymentDeclined', data: { paymentId: `pay_${id}`, orderId: id, amount: { amount: 100, currency: 'EUR' }, reason: 'card_declined', declinedAt: new Date().toISOString() } }, id, TOPICS.payment);
    await eventually(async () => (await statusOf(id))?.cancellationReason === 'PAYMENT_DECLINED', 10_000, 'PAYMENT_DECLINED');
  });

  it('cancels with TIMEOUT an order that gets no verdict before its deadline, and only such orders', async () => {
    const waiting = await place();
    const confirmed = await place();
    await publish({ type: 'PaymentCaptured', data: { paymentId: `pay_${confirmed}`, orderId: confirmed, amount: { amount: 100, currency: 'EUR' }, capturedAt: new Date().toISOString() } }, confirmed, TOPICS.payment);
    await eventually(async () => (await statusOf(waiting))?.cancellationReason === 'TIMEOUT', 15_000, 'TIMEOUT');
    expect((await statusOf(confirmed))?.status).toBe('CONFIRMED');
  });

  it('lets only an admin mark a confirmed order shipped, after which it cannot be cancelled', async () => {
    const id = await place();
    await publish({ type: 'PaymentCaptured', data: { paymentId: `pay_${id}`, orderId: id, amount: { amount: 100, currency: 'EUR' }, capturedAt: new Date().toISOString() } }, id, TOPICS.payment);
    await eventually(async () => (await statusOf(id))?.status === 'CONFIRMED', 10_000, 'CONFIRMED');
    const SHIP = `mutation($id: ID!) { markShipped(id: $id) { status } }`;
    expect((await call(SHIP, { id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await call<{ markShipped: { status: string } }>(SHIP, { id }, admin)).data?.markShipped.status).toBe('SHIPPED');
    const cancel = await call(`mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id });
    expect(cancel.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('lifecycle', () => {
  it('a stop() that arrives during start() waits for it, then stops everything that started', async () => {
    const other = createOrderService({
      config: { host: '127.0.0.1', port: 0, kafkaPartitions: 1 },
      logger: createLogger('order-test', 'silent'),
      connection: await infra.connect('tributary_order_lifecycle'),
      kafka: infra.kafka('order-lifecycle'),
      verifier: await infra.verifier('order'),
      orderDeadlineMs: 60_000,
      groupSuffix: `.${randomUUID()}`,
    });
    const [started, stopped] = await Promise.allSettled([other.start(), other.stop()]);
    expect(stopped.status).toBe('fulfilled');
    expect(other.runtime.relay.status().running).toBe(false);
    if (started.status === 'fulfilled') await expect(fetch(started.value.replace('/graphql', '/health'))).rejects.toThrow();
  });
});
