import { randomUUID } from 'node:crypto';
import { BUS_PRODUCER_CONFIG, ensureTopics, envelopeToMessage } from '@tributary/bus';
import { createEnvelope, TOPICS, type Actor, type AnyEventEnvelope, type DomainEvent, type EventType } from '@tributary/contracts';
import { startPaymentProvider, type Charge, type RunningPaymentProvider, type Stats } from '@tributary/embedded-payment-provider';
import type { Service } from '@tributary/service';
import { createLogger } from '@tributary/telemetry';
import { callSubgraph, eventually, startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import type { Producer } from 'kafkajs';
import { createPaymentService } from '../../src/app.ts';

/**
 * The payment service on the embedded stack, beside a real payment provider, plus what the
 * tests need: events of the other services sent to Kafka as they would send them, the GraphQL
 * API called as the gateway would, and the provider's books.
 */
export interface PaymentFixture {
  infra: TestInfrastructure;
  provider: RunningPaymentProvider;
  service: Service;
  url: string;
  send(topic: string, ...envelopes: AnyEventEnvelope[]): Promise<void>;
  /**
   * Resolves once everything sent so far on `topic` under `key` has been handled: it sends a
   * marker on the same partition (same key) for another order, and waits for that order's
   * payment stream. Kafka keeps a partition in order, so what came before is done.
   */
  drain(topic: typeof TOPICS.order | typeof TOPICS.inventory, key: string): Promise<void>;
  payment(orderId: string, actor?: Actor): Promise<PaymentAnswer | null>;
  /** The payment's stream in the event store: the event types, in order. */
  eventTypes(orderId: string): Promise<string[]>;
  charges(orderId: string): Promise<Charge[]>;
  stats(): Promise<Stats>;
  stop(): Promise<void>;
}

export interface PaymentAnswer {
  id: string;
  status: string;
  amountCents: number | null;
  currency: string | null;
  declineReason: string | null;
  attempts: number;
  method: string;
}

export const admin: Actor = { customerId: 'admin-1', role: 'admin' };

export const PAYMENT_FIELDS = 'id status amountCents currency declineReason attempts method';

export async function startPaymentFixture(): Promise<PaymentFixture> {
  const infra = await startInfrastructure();
  const provider = await startPaymentProvider({ port: 0, timeoutHoldMs: 5_000 });
  const kafka = infra.kafka('payment-test');
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  // The other services create these in production; here nobody else runs.
  await ensureTopics(kafkaAdmin, [TOPICS.order, TOPICS.inventory], 3);
  await kafkaAdmin.disconnect();

  const service = createPaymentService({
    config: { host: '127.0.0.1', port: 0, kafkaPartitions: 3 },
    logger: createLogger('payment', 'silent'),
    connection: await infra.connect(`payment_${randomUUID().slice(0, 8)}`),
    kafka,
    verifier: await infra.verifier('payment'),
    groupSuffix: `-${randomUUID()}`,
    providerUrl: provider.url,
    // Small numbers keep the timeout and retry tests short.
    providerTimeoutMs: 300,
    retry: { initialDelayMs: 50, maxDelayMs: 400 },
    retryPollMs: 50,
  });
  const url = await service.start();
  const producer: Producer = kafka.producer(BUS_PRODUCER_CONFIG);
  await producer.connect();

  const getJson = async <T>(path: string) => (await (await fetch(`${provider.url}${path}`)).json()) as T;

  return {
    infra,
    provider,
    service,
    url,
    async send(topic, ...envelopes) {
      await producer.send({ topic, acks: -1, messages: envelopes.map(envelopeToMessage) });
    },
    async drain(topic, key) {
      const marker = `marker-${randomUUID()}`;
      // The marker's order never gets both halves, so nothing is charged for it.
      const envelope = topic === TOPICS.order ? orderPlaced(marker, 'pm_card_declined') : stockReserved(marker);
      await producer.send({ topic, acks: -1, messages: [envelopeToMessage({ ...envelope, aggregateId: key })] });
      await eventually(async () => (await service.runtime.store.streamVersion(marker)) > 0, 20_000, `the marker on ${topic} to be handled`);
    },
    async payment(orderId, actor = admin) {
      const result = await callSubgraph<{ payment: PaymentAnswer | null }>(
        url,
        { query: `query($id: ID!) { payment(orderId: $id) { ${PAYMENT_FIELDS} } }`, variables: { id: orderId } },
        { audience: 'payment', actor, signer: infra.signer },
      );
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data?.payment ?? null;
    },
    async eventTypes(orderId) {
      return (await service.runtime.store.readStream(orderId)).map((envelope) => envelope.type);
    },
    charges: async (orderId) => (await getJson<{ data: Charge[] }>(`/v1/charges?description=${encodeURIComponent(`order ${orderId}`)}`)).data,
    stats: () => getJson<Stats>('/v1/stats'),
    async stop() {
      await producer.disconnect();
      await service.stop();
      await provider.close();
      await infra.stop();
    },
  };
}

/** An envelope as another service would publish it (aggregate id = order id, system actor). */
export function envelopeOf<T extends EventType>(event: DomainEvent<T>, orderId: string, aggregateVersion: number): AnyEventEnvelope<T> {
  return createEnvelope(event, {
    id: randomUUID(),
    aggregateId: orderId,
    aggregateVersion,
    occurredAt: new Date().toISOString(),
    correlationId: orderId,
    causationId: randomUUID(),
    actor: { customerId: 'system', role: 'system' },
  });
}

export const customer = (customerId: string): Actor => ({ customerId, role: 'customer' });

export function orderPlaced(orderId: string, paymentMethod: string, customerId = 'customer-1') {
  const at = new Date().toISOString();
  return envelopeOf({ type: 'OrderPlaced', data: { orderId, customerId, items: [{ sku: 'KETTLE-1', quantity: 2 }], idempotencyKey: null, paymentMethod, placedAt: at } }, orderId, 1);
}

export function stockReserved(orderId: string, amount = 5998) {
  const at = new Date().toISOString();
  const total = { amount, currency: 'EUR' };
  return envelopeOf({ type: 'StockReserved', data: { orderId, items: [{ sku: 'KETTLE-1', quantity: 2, unitPrice: { amount: amount / 2, currency: 'EUR' } }], total, reservedAt: at } }, orderId, 1);
}

export function orderCancelled(orderId: string, previousStatus: 'PENDING' | 'CONFIRMED', aggregateVersion = 2) {
  const at = new Date().toISOString();
  return envelopeOf(
    { type: 'OrderCancelled', data: { orderId, reason: 'CUSTOMER_REQUEST', detail: 'changed my mind', cancelledBy: 'system', previousStatus, cancelledAt: at } },
    orderId,
    aggregateVersion,
  );
}

export const newOrderId = () => `order-${randomUUID()}`;
