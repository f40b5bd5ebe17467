import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BUS_PRODUCER_CONFIG, envelopeToMessage } from '@tributary/bus';
import { createEnvelope, TOPICS, type Actor, type AnyEventEnvelope, type DomainEvent, type EventType } from '@tributary/contracts';
import { startSmtpSink, type RunningSmtpSink } from '@tributary/embedded-smtp';
import { createRedisChangeFeed, type ChangeFeed, type Service } from '@tributary/service';
import { createLogger } from '@tributary/telemetry';
import {
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
import { createNotificationService } from '../src/app.ts';
import { NOTIFICATION_CHANGES_CHANNEL } from '../src/projections/notification-read-model.ts';

// notificationSent end to end: order events (each delivered twice) -> the saga step sends the
// email and records NotificationSent -> the read-model projector -> Redis change feed -> graphql-ws.

let infra: TestInfrastructure;
let sink: RunningSmtpSink;
let sinkDir: string;
let feed: ChangeFeed & { active(channel?: string): number };
let service: Service;
let client: SubgraphSubscriptions;
let producer: Producer;

const alice: Actor = { customerId: 'alice', role: 'customer' };
const bob: Actor = { customerId: 'bob', role: 'customer' };
const admin: Actor = { customerId: 'root', role: 'admin' };

interface Sent {
  notificationSent: { id: string; type: string; orderId: string; recipient: string; sentAt: string };
}
const NOTIFICATION_SENT = 'subscription { notificationSent { id type orderId recipient sentAt } }';

beforeAll(async () => {
  infra = await startInfrastructure({ redis: true });
  sinkDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-notification-subscriptions-'));
  sink = await startSmtpSink({ port: 0, dataDir: sinkDir });
  const logger = createLogger('notification-subscriptions-test', 'silent');
  feed = countSubscriptions(createRedisChangeFeed({ url: infra.redisUrl!, service: 'notification', logger }));
  service = createNotificationService({
    config: { host: '127.0.0.1', port: 0, kafkaPartitions: 2 },
    logger,
    connection: await infra.connect('tributary_notification'),
    kafka: infra.kafka('notification'),
    verifier: await infra.verifier('notification'),
    groupSuffix: `.${randomUUID()}`,
    smtpUrl: sink.url,
    changeFeed: feed,
  });
  const url = await service.start();
  client = connectSubgraphSubscriptions(url, { audience: 'notification', signer: infra.signer });
  producer = infra.kafka('notification-subscriptions-producer').producer(BUS_PRODUCER_CONFIG);
  await producer.connect();
});

afterAll(async () => {
  await client?.close();
  await producer?.disconnect();
  await service?.stop();
  await sink?.close();
  await infra?.stop();
  if (sinkDir) await rm(sinkDir, { recursive: true, force: true });
});

function envelope<T extends EventType>(event: DomainEvent<T>, orderId: string, aggregateVersion: number): AnyEventEnvelope<T> {
  return createEnvelope(event, {
    id: randomUUID(), aggregateId: orderId, aggregateVersion, occurredAt: new Date().toISOString(),
    correlationId: orderId, causationId: randomUUID(), actor: { customerId: 'system', role: 'system' },
  });
}

/** An order placed by `customerId` and confirmed: one ORDER_CONFIRMED notification. Every event arrives twice. */
async function confirmOrder(customerId: string): Promise<string> {
  const orderId = `o-${randomUUID()}`;
  const at = new Date().toISOString();
  const events = [
    envelope({ type: 'OrderPlaced', data: { orderId, customerId, items: [{ sku: 'SKU-1', quantity: 1 }], idempotencyKey: null, paymentMethod: 'pm_card_ok', placedAt: at } }, orderId, 1),
    envelope({ type: 'OrderConfirmed', data: { orderId, paymentId: `pay-${orderId}`, confirmedAt: at } }, orderId, 2),
  ];
  await producer.send({ topic: TOPICS.order, acks: -1, messages: events.flatMap((event) => [envelopeToMessage(event), envelopeToMessage(event)]) });
  return orderId;
}

const about = (probe: SubscriptionProbe<Sent>, orderId: string) => probe.results.map((result) => result.data?.notificationSent).filter((sent) => sent?.orderId === orderId);

describe('notificationSent', () => {
  it("sends a customer their notifications once each, an admin everyone's, and nobody else's", async () => {
    const asAlice = await client.subscribe<Sent>(NOTIFICATION_SENT, undefined, alice);
    const asBob = await client.subscribe<Sent>(NOTIFICATION_SENT, undefined, bob);
    const asAdmin = await client.subscribe<Sent>(NOTIFICATION_SENT, undefined, admin);
    await eventually(async () => feed.active(NOTIFICATION_CHANGES_CHANNEL) === 3, 10_000, 'three live subscriptions');

    const orderId = await confirmOrder('alice');
    await eventually(async () => about(asAlice, orderId).length === 1 && about(asAdmin, orderId).length === 1, 30_000, "alice's notification");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(about(asAlice, orderId)).toEqual([
      { id: expect.any(String), type: 'ORDER_CONFIRMED', orderId, recipient: 'alice@customers.tributary.test', sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    ]);
    expect(about(asAdmin, orderId)).toEqual(about(asAlice, orderId));
    expect(asBob.results).toEqual([]);
    for (const probe of [asAlice, asBob, asAdmin]) probe.unsubscribe();
    await eventually(async () => feed.active(NOTIFICATION_CHANGES_CHANNEL) === 0, 10_000, 'the subscriptions to end in the service');
  });

  it('refuses a caller without a token with UNAUTHENTICATED', async () => {
    const anonymous = await client.subscribe<Sent>(NOTIFICATION_SENT, undefined, null);
    expect((await anonymous.take(1))[0]?.errors).toEqual([expect.objectContaining({ path: ['notificationSent'], extensions: { code: 'UNAUTHENTICATED' } })]);
  });
});
