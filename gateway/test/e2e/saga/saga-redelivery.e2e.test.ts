import { randomUUID } from 'node:crypto';
import { ALL_TOPICS } from '@tributary/contracts';
import type { Consumer, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readMailbox } from '../../../../compose/embedded/smtp/src/index.ts';
import { eventually, startStack, type Stack } from '../../support/stack.ts';
import { sagaClient } from './saga-client.ts';

/**
 * At-least-once delivery, exactly-once effects: a test consumer re-publishes every event of every
 * topic once more (marked, so copies are not copied again), so every service sees each event
 * twice. Still one reservation, one charge, one refund and one notification per event.
 */
const COPY_HEADER = 'x-test-redelivered';
let stack: Stack;
let duplicator: Consumer;
let producer: Producer;
let copies = 0;

beforeAll(async () => {
  stack = await startStack();
  const kafka = stack.infra.kafka('duplicator');
  producer = kafka.producer();
  await producer.connect();
  duplicator = kafka.consumer({ groupId: `duplicator-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await duplicator.connect();
  await duplicator.subscribe({ topics: [...ALL_TOPICS], fromBeginning: true });
  await duplicator.run({
    eachMessage: async ({ topic, message }) => {
      if (message.headers?.[COPY_HEADER]) return;
      await producer.send({ topic, acks: -1, messages: [{ key: message.key, value: message.value, headers: { ...message.headers, [COPY_HEADER]: '1' } }] });
      copies++;
    },
  });
});

afterAll(async () => {
  await duplicator?.disconnect().catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
  await stack?.stop();
});

it('every event delivered twice: one reservation, one charge, one refund, one notification per event', async () => {
  const client = sagaClient(stack);
  const admin = await stack.token('root', 'admin');
  const alice = await stack.token(`alice-${randomUUID().slice(0, 6)}`);
  const sku = await client.addProduct(admin, 5, 700);
  const id = await client.place(alice, [{ sku, quantity: 2 }]);
  await client.until(id, alice, (o) => o.status === 'CONFIRMED', 'CONFIRMED');
  await stack.graphql(`mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id }, alice);
  const order = await client.until(
    id,
    alice,
    (o) => o.payment?.status === 'REFUNDED' && o.reservation?.status === 'RELEASED' && o.notifications.length >= 3,
    'refunded, released, notified',
  );
  // Let the duplicated copies of the last events arrive and be (not) applied.
  await eventually(async () => copies > 8, 10_000, 'copies published');
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  const again = (await client.order(id, alice))!;
  expect(again.notifications.map((n) => n.type).sort()).toEqual(['ORDER_CANCELLED', 'ORDER_CONFIRMED', 'PAYMENT_REFUNDED']);
  expect(order.payment).toMatchObject({ amountCents: 1400, attempts: 1 });
  expect(await client.product(sku, admin)).toEqual({ available: 5, reserved: 0 });

  const inventory = await stack.db('inventory');
  const productEvents = (await inventory.collection('event_commits').find({ streamId: sku }).toArray()).flatMap((c) => c.events as { type: string }[]);
  expect(productEvents.filter((e) => e.type === 'StockItemReserved')).toHaveLength(1);
  expect(productEvents.filter((e) => e.type === 'StockItemReleased')).toHaveLength(1);
  const payment = await stack.db('payment');
  const paymentEvents = (await payment.collection('event_commits').find({ streamId: id }).toArray()).flatMap((c) => c.events as { type: string }[]);
  expect(paymentEvents.filter((e) => e.type === 'PaymentCaptured')).toHaveLength(1);
  expect(paymentEvents.filter((e) => e.type === 'PaymentRefunded')).toHaveLength(1);

  expect(await client.chargesOf(id)).toHaveLength(1);
  const mails = (await readMailbox(stack.mailDir!)).filter((mail) => mail.text.includes(id));
  expect(mails).toHaveLength(3);
});
