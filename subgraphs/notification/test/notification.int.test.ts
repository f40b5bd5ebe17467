import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BUS_PRODUCER_CONFIG, envelopeToMessage } from '@tributary/bus';
import { createEnvelope, TOPICS, type Actor, type AnyEventEnvelope, type DomainEvent, type EventType } from '@tributary/contracts';
import { readMailbox, startSmtpSink, type RunningSmtpSink, type StoredMail } from '@tributary/embedded-smtp';
import type { Service } from '@tributary/service';
import { createLogger } from '@tributary/telemetry';
import { callSubgraph, eventually, startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import type { Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationService } from '../src/app.ts';
import { notificationIdFor } from '../src/domain/index.ts';
import { createEmailSender } from '../src/email/email-sender.ts';

/**
 * The notification service on the embedded stack with the real SMTP sink: saga events go in
 * through Kafka (each delivered twice), emails come out through SMTP, and the read model
 * answers through GraphQL.
 */
let infra: TestInfrastructure;
let sink: RunningSmtpSink;
let sinkDir: string;
let service: Service;
let url: string;
let producer: Producer;
let db: Connection;

const alice: Actor = { customerId: 'alice', role: 'customer' };
const bob: Actor = { customerId: 'bob', role: 'customer' };
const admin: Actor = { customerId: 'root', role: 'admin' };
const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const at = () => new Date().toISOString();

/** An event of an order's (or its payment's) stream, at its position in that stream. */
function envelope<T extends EventType>(event: DomainEvent<T>, orderId: string, aggregateVersion: number): AnyEventEnvelope<T> {
  return createEnvelope(event, {
    id: randomUUID(), aggregateId: orderId, aggregateVersion, occurredAt: at(),
    correlationId: orderId, causationId: randomUUID(), actor: { customerId: 'system', role: 'system' },
  });
}

const placed = (orderId: string, customerId: string) =>
  envelope({ type: 'OrderPlaced', data: { orderId, customerId, items: [{ sku: 'SKU-1', quantity: 2 }], idempotencyKey: null, paymentMethod: 'pm_card_ok', placedAt: at() } }, orderId, 1);
const confirmed = (orderId: string) => envelope({ type: 'OrderConfirmed', data: { orderId, paymentId: `pay-${orderId}`, confirmedAt: at() } }, orderId, 2);
const shipped = (orderId: string) => envelope({ type: 'OrderShipped', data: { orderId, shippedAt: at() } }, orderId, 3);
const cancelled = (orderId: string, by: Actor) =>
  envelope(
    { type: 'OrderCancelled', data: { orderId, reason: 'CUSTOMER_REQUEST', detail: 'the customer changed their mind', cancelledBy: by, previousStatus: 'CONFIRMED', cancelledAt: at() } },
    orderId,
    3,
  );
// Payment stream of an order: requested 1, amount due 2, captured 3, refunded 4.
const refunded = (orderId: string) => envelope({ type: 'PaymentRefunded', data: { paymentId: `pay-${orderId}`, orderId, amount: EUR(5998), refundedAt: at() } }, orderId, 4);

/** Every event is delivered twice, back to back: the consumers must make that a no-op. */
async function deliverTwice(topic: string, events: AnyEventEnvelope[]): Promise<void> {
  await producer.send({ topic, acks: -1, messages: events.flatMap((event) => [envelopeToMessage(event), envelopeToMessage(event)]) });
}

/** Sums events_consumed_total of one consumer (order-reactions reads the order topic, payment-reactions the payment one): how far it has got. */
async function counted(outcome: 'processed' | 'retried', consumer: 'order-reactions' | 'payment-reactions'): Promise<number> {
  const values = (await service.runtime.metrics.getSingleMetric('events_consumed_total')?.get())?.values ?? [];
  return values
    .filter(({ labels }) => labels.outcome === outcome && String(labels.group).startsWith(`notification.${consumer}.`))
    .reduce((sum, value) => sum + value.value, 0);
}

async function mailsAbout(orderId: string): Promise<StoredMail[]> {
  return (await readMailbox(sink.mailDir)).filter((mail) => mail.subject.includes(` ${orderId} `) || mail.subject.endsWith(` ${orderId}`));
}

function readModelOf(orderId: string) {
  return db.collection('notifications').find({ orderId }).sort({ sentAt: 1 }).toArray();
}

function call<T>(query: string, variables: Record<string, unknown>, actor: Actor | null) {
  return callSubgraph<T>(url, { query, variables }, { audience: 'notification', actor, signer: infra.signer });
}

const ORDER_1 = 'order-shipped-1';
const ORDER_2 = 'order-refunded-2';
const ORDER_3 = 'order-late-3';
const ORDER_4 = 'order-crashed-4';

beforeAll(async () => {
  infra = await startInfrastructure();
  sinkDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-notification-smtp-'));
  sink = await startSmtpSink({ port: 0, dataDir: sinkDir });
  db = await infra.connect('tributary_notification');
  service = createNotificationService({
    config: { host: '127.0.0.1', port: 0, kafkaPartitions: 3 },
    logger: createLogger('notification-test', 'silent'),
    connection: db,
    kafka: infra.kafka('notification'),
    verifier: await infra.verifier('notification'),
    groupSuffix: `.${randomUUID()}`,
    smtpUrl: sink.url,
  });
  url = await service.start();
  producer = infra.kafka('notification-test-producer').producer(BUS_PRODUCER_CONFIG);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await service?.stop();
  await sink?.close();
  await infra?.stop();
  if (sinkDir) await rm(sinkDir, { recursive: true, force: true });
});

describe('one notification per customer-visible event, exactly once', () => {
  it('sends one email and keeps one document per event, though every event arrives twice', async () => {
    await deliverTwice(TOPICS.order, [placed(ORDER_1, 'alice'), confirmed(ORDER_1), shipped(ORDER_1)]);
    await deliverTwice(TOPICS.order, [placed(ORDER_2, 'alice'), confirmed(ORDER_2), cancelled(ORDER_2, alice)]);
    await deliverTwice(TOPICS.payment, [refunded(ORDER_2)]);

    // Wait until every copy was handled (12 order messages, 2 payment ones, 5 NotificationSent)...
    await eventually(async () => (await counted('processed', 'order-reactions')) === 12, 30_000, 'order events handled');
    await eventually(async () => (await counted('processed', 'payment-reactions')) === 2, 30_000, 'payment events handled');
    await eventually(async () => (await readModelOf(ORDER_1)).length + (await readModelOf(ORDER_2)).length === 5, 30_000, 'read model');

    // ...then count: one email and one document each, no more.
    const first = await mailsAbout(ORDER_1);
    expect(first.map((mail) => mail.subject)).toEqual([`Your order ${ORDER_1} is confirmed`, `Your order ${ORDER_1} is on its way`]);
    const second = await mailsAbout(ORDER_2);
    expect(second.map((mail) => mail.subject).sort()).toEqual(
      [`Your order ${ORDER_2} is confirmed`, `Your order ${ORDER_2} was cancelled`, `Your refund for order ${ORDER_2}`].sort(),
    );
    for (const mail of [...first, ...second]) {
      expect(mail).toMatchObject({ to: 'alice@customers.tributary.test', from: '"Tributary" <orders@tributary.test>' });
    }
    const cancellation = second.find((mail) => mail.subject.endsWith('was cancelled'));
    expect(cancellation?.text).toContain('because you asked us to cancel it');
    expect(cancellation?.text).toContain('the customer changed their mind');
    expect(second.find((mail) => mail.subject.startsWith('Your refund'))?.text).toContain('We refunded €59.98');

    const documents = [...(await readModelOf(ORDER_1)), ...(await readModelOf(ORDER_2))];
    expect(documents.map((doc) => doc.type).sort()).toEqual(
      ['order-confirmed', 'order-shipped', 'order-confirmed', 'order-cancelled', 'payment-refunded'].sort(),
    );
    // The email's Message-ID is the notification id: that is what lets mail systems drop a re-send.
    expect(new Set([...first, ...second].map((mail) => mail.messageId))).toEqual(
      new Set(documents.map((doc) => `<${String(doc._id)}@tributary.local>`)),
    );
    expect(documents[0]).toMatchObject({ customerId: 'alice', channel: 'email', recipient: 'alice@customers.tributary.test', version: 1 });
    // Sent once, not sent twice and deduplicated by the sink.
    expect(sink.stats()).toEqual({ stored: 5, duplicates: 0 });
    // One NotificationSent per notification stream in the event store.
    expect(await db.collection('event_commits').countDocuments({ streamId: { $in: documents.map((doc) => doc._id) } })).toBe(5);
  });

  it('waits for the customer when a refund overtakes its OrderPlaced, then sends once', async () => {
    await deliverTwice(TOPICS.payment, [refunded(ORDER_3)]);
    // The refund is retried while the order's customer is unknown; nothing is sent meanwhile.
    await eventually(async () => (await counted('retried', 'payment-reactions')) >= 2, 30_000, 'refund retried');
    expect(await mailsAbout(ORDER_3)).toEqual([]);

    await deliverTwice(TOPICS.order, [placed(ORDER_3, 'bob')]);
    await eventually(async () => (await counted('processed', 'payment-reactions')) === 4, 30_000, 'both refund copies handled');
    const mails = await eventually(async () => {
      const found = await mailsAbout(ORDER_3);
      return found.length > 0 && found;
    });
    expect(mails.map((mail) => [mail.to, mail.subject])).toEqual([['bob@customers.tributary.test', `Your refund for order ${ORDER_3}`]]);
    await eventually(async () => (await readModelOf(ORDER_3)).length === 1, 30_000, 'refund in the read model');
  });

  it('does not deliver twice when the email went out but the crash came before recording it', async () => {
    const confirmation = confirmed(ORDER_4);
    // What a crashed earlier attempt left behind: the email is in the mailbox, no NotificationSent.
    const sender = createEmailSender(nodemailer.createTransport(sink.url), { from: 'Tributary <orders@tributary.test>' });
    await sender.send({
      notificationId: notificationIdFor(confirmation.id, 'order-confirmed'),
      to: 'carol@customers.tributary.test',
      subject: `Your order ${ORDER_4} is confirmed`,
      text: 'sent before the crash',
    });

    await deliverTwice(TOPICS.order, [placed(ORDER_4, 'carol'), confirmation]);
    await eventually(async () => (await readModelOf(ORDER_4)).length === 1, 30_000, 'the redelivery recorded the notification');
    const mails = await mailsAbout(ORDER_4);
    expect(mails.map((mail) => mail.text.trim())).toEqual(['sent before the crash']);
    // The redelivery did send again (it cannot know the crash came after sending), with the
    // same Message-ID, and the sink dropped it: the documented trade-off, end to end.
    expect(sink.stats().duplicates).toBe(1);
  });
});

describe('GraphQL', () => {
  const NOTIFICATIONS = `query($first: Int, $after: String) {
    notifications(first: $first, after: $after) { edges { cursor node { id type channel recipient subject sentAt orderId } } pageInfo { hasNextPage endCursor } }
  }`;
  const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { id notifications { type subject } } } }`;
  type Page = { notifications: { edges: { node: { id: string; type: string; orderId: string; sentAt: string; recipient: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

  it("lists the caller's notifications, newest first, page by page", async () => {
    const all = await call<Page>(NOTIFICATIONS, { first: 100 }, alice);
    expect(all.errors).toBeUndefined();
    const nodes = all.data!.notifications.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(5);
    expect(new Set(nodes.map((node) => node.orderId))).toEqual(new Set([ORDER_1, ORDER_2]));
    expect(nodes.every((node) => node.recipient === 'alice@customers.tributary.test')).toBe(true);
    const times = nodes.map((node) => Date.parse(node.sentAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const page1 = await call<Page>(NOTIFICATIONS, { first: 3 }, alice);
    expect(page1.data!.notifications.pageInfo.hasNextPage).toBe(true);
    const page2 = await call<Page>(NOTIFICATIONS, { first: 3, after: page1.data!.notifications.pageInfo.endCursor }, alice);
    expect(page2.data!.notifications.pageInfo.hasNextPage).toBe(false);
    expect([...page1.data!.notifications.edges, ...page2.data!.notifications.edges].map((edge) => edge.node.id)).toEqual(nodes.map((node) => node.id));
  });

  it('shows a customer only their own, and an admin everyone’s', async () => {
    const bobs = await call<Page>(NOTIFICATIONS, { first: 100 }, bob);
    expect(bobs.data!.notifications.edges.map((edge) => [edge.node.type, edge.node.orderId])).toEqual([['PAYMENT_REFUNDED', ORDER_3]]);
    const everyone = await call<Page>(NOTIFICATIONS, { first: 100 }, admin);
    expect(everyone.data!.notifications.edges).toHaveLength(7);
  });

  it("resolves Order.notifications for the order's customer, oldest first, and nothing for anyone else", async () => {
    const representations = [{ __typename: 'Order', id: ORDER_1 }];
    type Entities = { _entities: { id: string; notifications: { type: string; subject: string }[] }[] };
    const own = await call<Entities>(ENTITIES, { representations }, alice);
    expect(own.errors).toBeUndefined();
    expect(own.data!._entities).toEqual([
      {
        id: ORDER_1,
        notifications: [
          { type: 'ORDER_CONFIRMED', subject: `Your order ${ORDER_1} is confirmed` },
          { type: 'ORDER_SHIPPED', subject: `Your order ${ORDER_1} is on its way` },
        ],
      },
    ]);
    const other = await call<Entities>(ENTITIES, { representations }, bob);
    expect(other.data!._entities).toEqual([{ id: ORDER_1, notifications: [] }]);
  });

  it('refuses an anonymous caller and a request the gateway did not sign', async () => {
    const anonymous = await call(NOTIFICATIONS, {}, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const unsigned = await callSubgraph(url, { query: NOTIFICATIONS }, { audience: 'notification', actor: alice, signer: null });
    expect(unsigned.status).toBe(401);
    expect(unsigned.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers a bad page size with BAD_USER_INPUT', async () => {
    const result = await call(NOTIFICATIONS, { first: 0 }, alice);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
