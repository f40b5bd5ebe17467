import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMailbox } from '../../../../compose/embedded/smtp/src/index.ts';
import { eventually, startStack, type Stack } from '../../support/stack.ts';
import { sagaClient } from './saga-client.ts';

/**
 * Every path of the order saga, through the gateway, on the embedded stack: inventory reserves,
 * payment charges the dev provider over HTTP, order confirms or cancels, notification mails the
 * SMTP sink. One query joins what all four subgraphs own.
 */
let stack: Stack;
let client: ReturnType<typeof sagaClient>;
let admin: string;
let alice: string;

beforeAll(async () => {
  stack = await startStack();
  client = sagaClient(stack);
  admin = await stack.token('root', 'admin');
  alice = await stack.token('alice');
});

afterAll(async () => {
  await stack?.stop();
});

async function mailsFor(orderId: string) {
  return (await readMailbox(stack.mailDir!)).filter((mail) => mail.text.includes(orderId));
}

describe('the order saga through the gateway', () => {
  it('happy path: reserved, paid, CONFIRMED, with product names, reservation, payment and a notification in one query', async () => {
    const sku = await client.addProduct(admin, 5, 1250);
    const id = await client.place(alice, [{ sku, quantity: 2 }]);
    const order = await client.until(id, alice, (o) => o.status === 'CONFIRMED' && o.notifications.length === 1, 'CONFIRMED with a notification');
    expect(order.items[0]?.product).toEqual({ name: `Test product ${sku}`, priceCents: 1250, currency: 'EUR' });
    expect(order.reservation).toEqual({ status: 'RESERVED', lines: [{ sku, quantity: 2, unitPriceCents: 1250 }], rejectedSkus: [] });
    expect(order.payment).toMatchObject({ status: 'CAPTURED', amountCents: 2500, currency: 'EUR', declineReason: null, attempts: 1 });
    expect(order.notifications[0]).toMatchObject({ type: 'ORDER_CONFIRMED', recipient: expect.stringContaining('alice@') });
    expect(await client.product(sku, alice)).toEqual({ available: 3, reserved: 2 });
  });

  it('out of stock: CANCELLED OUT_OF_STOCK naming the sku, nothing held, nothing charged', async () => {
    const plenty = await client.addProduct(admin, 10);
    const scarce = await client.addProduct(admin, 1);
    const id = await client.place(alice, [{ sku: plenty, quantity: 1 }, { sku: scarce, quantity: 2 }]);
    const order = await client.until(id, alice, (o) => o.status === 'CANCELLED', 'CANCELLED');
    expect(order.cancellationReason).toBe('OUT_OF_STOCK');
    expect(order.cancellationDetail).toContain(scarce);
    expect(order.reservation).toMatchObject({ status: 'REJECTED', rejectedSkus: [scarce] });
    expect(order.payment?.status ?? 'NONE').not.toBe('CAPTURED');
    await eventually(async () => (await client.product(plenty, alice)).available === 10, 10_000, 'the partial hold released');
    expect(await client.product(scarce, alice)).toEqual({ available: 1, reserved: 0 });
  });

  it('declined card: CANCELLED PAYMENT_DECLINED and the stock comes back', async () => {
    const sku = await client.addProduct(admin, 4);
    const id = await client.place(alice, [{ sku, quantity: 3 }], 'pm_card_declined');
    const order = await client.until(id, alice, (o) => o.status === 'CANCELLED' && o.reservation?.status === 'RELEASED', 'CANCELLED and released');
    expect(order.cancellationReason).toBe('PAYMENT_DECLINED');
    expect(order.payment).toMatchObject({ status: 'DECLINED', declineReason: expect.any(String) });
    await eventually(async () => (await client.product(sku, alice)).available === 4, 10_000, 'stock released');
  });

  it('flaky provider: captured once after retries', async () => {
    const sku = await client.addProduct(admin, 2, 999);
    const id = await client.place(alice, [{ sku, quantity: 1 }], 'pm_card_flaky');
    const order = await client.until(id, alice, (o) => o.status === 'CONFIRMED', 'CONFIRMED');
    expect(order.payment).toMatchObject({ status: 'CAPTURED', amountCents: 999, attempts: 3 });
    const charges = await client.chargesOf(id);
    expect(charges.filter((charge) => charge.status === 'succeeded')).toHaveLength(1);
  });

  it('customer cancels after confirmation: refunded, released, one cancellation notification', async () => {
    const sku = await client.addProduct(admin, 3, 500);
    const id = await client.place(alice, [{ sku, quantity: 1 }]);
    await client.until(id, alice, (o) => o.status === 'CONFIRMED', 'CONFIRMED');
    const cancelled = await stack.graphql<{ cancelOrder: { status: string } }>(`mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id }, alice);
    expect(cancelled.data?.cancelOrder.status).toBe('CANCELLED');
    const order = await client.until(
      id,
      alice,
      (o) => o.payment?.status === 'REFUNDED' && o.reservation?.status === 'RELEASED' && o.notifications.some((n) => n.type === 'ORDER_CANCELLED'),
      'refund, release and notification',
    );
    expect(order.cancellationReason).toBe('CUSTOMER_REQUEST');
    expect(order.notifications.filter((n) => n.type === 'ORDER_CANCELLED')).toHaveLength(1);
    await eventually(async () => (await client.product(sku, alice)).available === 3, 10_000, 'stock released');
    await eventually(async () => (await mailsFor(id)).length >= 2, 10_000, 'confirmation and cancellation mails');
  });

  it('an admin ships a confirmed order, which can then no longer be cancelled', async () => {
    const sku = await client.addProduct(admin, 3);
    const id = await client.place(alice, [{ sku, quantity: 1 }]);
    await client.until(id, alice, (o) => o.status === 'CONFIRMED', 'CONFIRMED');
    const SHIP = `mutation($id: ID!) { markShipped(id: $id) { status } }`;
    expect((await stack.graphql(SHIP, { id }, alice)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.graphql<{ markShipped: { status: string } }>(SHIP, { id }, admin)).data?.markShipped.status).toBe('SHIPPED');
    expect((await stack.graphql(`mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id }, alice)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await client.until(id, alice, (o) => o.notifications.some((n) => n.type === 'ORDER_SHIPPED'), 'shipping notification');
    await eventually(async () => (await client.product(sku, alice)).reserved === 0, 10_000, 'the hold left with the shipment');
    expect((await client.product(sku, alice)).available).toBe(2);
  });

  it('a customer never sees another customer’s order, reservation, payment or notifications', async () => {
    const sku = await client.addProduct(admin, 2);
    const id = await client.place(alice, [{ sku, quantity: 1 }]);
    await client.until(id, alice, (o) => o.status === 'CONFIRMED', 'CONFIRMED');
    expect(await client.order(id, await stack.token('mallory'))).toBeNull();
  });
});
