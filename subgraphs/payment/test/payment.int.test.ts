import { TOPICS } from '@tributary/contracts';
import { callSubgraph, eventually } from '@tributary/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  customer,
  newOrderId,
  orderCancelled,
  orderPlaced,
  PAYMENT_FIELDS,
  startPaymentFixture,
  stockReserved,
  type PaymentFixture,
} from './support/payment-fixture.ts';

let fx: PaymentFixture;

beforeAll(async () => {
  fx = await startPaymentFixture();
});
afterAll(async () => {
  await fx?.stop();
});

/** Waits until the payment of `orderId` has `status` in the read model. */
function settled(orderId: string, status: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const payment = await fx.payment(orderId);
    return payment?.status === status ? payment : null;
  }, timeoutMs, `payment of ${orderId} to be ${status}`);
}

describe('payment service', () => {
  it('captures pm_card_ok once stock is reserved, for the reserved total', async () => {
    const orderId = newOrderId();
    await fx.send(TOPICS.order, orderPlaced(orderId, 'pm_card_ok'));
    await fx.send(TOPICS.inventory, stockReserved(orderId, 5998));
    const payment = await settled(orderId, 'CAPTURED');
    expect(payment).toEqual({ id: `pay_${orderId}`, status: 'CAPTURED', amountCents: 5998, currency: 'EUR', declineReason: null, attempts: 1, method: 'pm_card_ok' });
    expect(await fx.charges(orderId)).toMatchObject([{ status: 'succeeded', amount: 5998, currency: 'EUR', refunded: false }]);
    expect(await fx.eventTypes(orderId)).toEqual(['PaymentRequested', 'PaymentAmountDue', 'PaymentCaptured']);
  });

  it('captures when the reservation arrives before the order', async () => {
    const orderId = newOrderId();
    await fx.send(TOPICS.inventory, stockReserved(orderId, 1200));
    await fx.drain(TOPICS.inventory, orderId);
    expect(await fx.eventTypes(orderId)).toEqual(['PaymentAmountDue']);
    expect(await fx.charges(orderId)).toEqual([]);
    await fx.send(TOPICS.order, orderPlaced(orderId, 'pm_card_ok'));
    expect(await settled(orderId, 'CAPTURED')).toMatchObject({ amountCents: 1200, attempts: 1 });
  });

  it('declines pm_card_declined with the provider’s reason', async () => {
    const orderId = newOrderId();
    await fx.send(TOPICS.order, orderPlaced(orderId, 'pm_card_declined'));
    await fx.send(TOPICS.inventory, stockReserved(orderId));
    expect(await settled(orderId, 'DECLINED')).toMatchObject({ declineReason: 'your card was declined', attempts: 1 });
  });

  it('retries pm_card_flaky through two 503s and charges exactly once', async () => {
    const orderId = newOrderId();
    await fx.send(TOPICS.order, orderPlaced(orderId, 'pm_card_flaky'));
    await fx.send(TOPICS.inventory, stockReserved(orderId));
    expect(await settled(orderId, 'CAPTURED')).toMatchObject({ attempts: 3 });
    expect(await fx.charges(orderId)).toMatchObject([{ status: 'succeeded' }]);
    expect(await fx.eventTypes(orderId)).toEqual(['PaymentRequested', 'PaymentAmountDue', 'PaymentAttemptFailed', 'PaymentAttemptFailed', 'PaymentCaptured']);
  });

  it('refunds a captured payment exactly once when the order is cancelled', async () => {
    const orderId = newOrderId();
    await fx.send(TOPICS.order, orderPlaced(orderId, 'pm_card_ok'));
    await fx.send(TOPICS.inventory, stockReserved(orderId));
    await settled(orderId, 'CAPTURED');
    const before = await fx.stats();
    await fx.send(TOPICS.order, orderCancelled(orderId, 'CONFIRMED'));
    expect(await settled(orderId, 'REFUNDED')).toMatchObject({ amountCents: 5998 });
    expect(await fx.charges(orderId)).toMatchObject([{ status: 'succeeded', refunded: true }]);
    expect((await fx.stats()).refunds - before.refunds).toBe(1);
    expect((await fx.eventTypes(orderId)).filter((type) => type === 'PaymentRefunded')).toHaveLength(1);
  });

  it('voids a payment cancelled before its amount is known, and never charges it', async () => {
    const orderId = newOrderId();
    await fx.send(TOPICS.order, orderPlaced(orderId, 'pm_card_ok'), orderCancelled(orderId, 'PENDING'));
    await settled(orderId, 'VOIDED');
    await fx.send(TOPICS.inventory, stockReserved(orderId));
    await fx.drain(TOPICS.inventory, orderId);
    expect(await fx.eventTypes(orderId)).toEqual(['PaymentRequested', 'PaymentVoided']);
    expect(await fx.charges(orderId)).toEqual([]);
  });

  it('charges and refunds once when every event is delivered twice', async () => {
    const orderId = newOrderId();
    const placed = orderPlaced(orderId, 'pm_card_ok');
    const reserved = stockReserved(orderId);
    await fx.send(TOPICS.order, placed, placed);
    await fx.send(TOPICS.inventory, reserved, reserved);
    await settled(orderId, 'CAPTURED');
    const before = await fx.stats();
    const cancelled = orderCancelled(orderId, 'CONFIRMED');
    await fx.send(TOPICS.order, cancelled, cancelled);
    await settled(orderId, 'REFUNDED');
    await fx.send(TOPICS.order, cancelled);
    await fx.send(TOPICS.inventory, reserved);
    await Promise.all([fx.drain(TOPICS.order, orderId), fx.drain(TOPICS.inventory, orderId)]);
    expect(await fx.charges(orderId)).toHaveLength(1);
    expect(await fx.eventTypes(orderId)).toEqual(['PaymentRequested', 'PaymentAmountDue', 'PaymentCaptured', 'PaymentRefunded']);
    expect((await fx.stats()).refunds - before.refunds).toBe(1);
  });

  it('shows a payment to its customer and to the gateway’s entity lookups, not to others', async () => {
    const orderId = newOrderId();
    await fx.send(TOPICS.order, orderPlaced(orderId, 'pm_card_ok', 'customer-7'));
    await fx.send(TOPICS.inventory, stockReserved(orderId));
    await settled(orderId, 'CAPTURED');
    expect(await fx.payment(orderId, customer('customer-7'))).toMatchObject({ status: 'CAPTURED' });
    expect(await fx.payment(orderId, customer('customer-8'))).toBeNull();
    expect(await fx.payment(newOrderId(), customer('customer-7'))).toBeNull();

    const entities = await callSubgraph<{ _entities: { payment: { status: string } | null }[] }>(
      fx.url,
      {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { payment { ${PAYMENT_FIELDS} } } } }`,
        variables: { r: [{ __typename: 'Order', id: orderId }, { __typename: 'Order', id: newOrderId() }] },
      },
      { audience: 'payment', actor: customer('customer-7'), signer: fx.infra.signer },
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data?._entities).toEqual([{ payment: expect.objectContaining({ status: 'CAPTURED', id: `pay_${orderId}` }) }, { payment: null }]);
  });

  it('refuses requests the gateway did not sign (401) and anonymous callers (UNAUTHENTICATED)', async () => {
    const query = { query: '{ payment(orderId: "x") { id } }' };
    const unsigned = await callSubgraph(fx.url, query, { audience: 'payment', actor: null, signer: null });
    expect(unsigned.status).toBe(401);
    expect(unsigned.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const anonymous = await callSubgraph(fx.url, query, { audience: 'payment', actor: null, signer: fx.infra.signer });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  // Last: its failures count against the circuit breaker shared by every payment.
  it('keeps pm_card_timeout PENDING, retrying with growing attempts, without charging', async () => {
    const orderId = newOrderId();
    await fx.send(TOPICS.order, orderPlaced(orderId, 'pm_card_timeout'));
    await fx.send(TOPICS.inventory, stockReserved(orderId));
    const waiting = await eventually(async () => {
      const payment = await fx.payment(orderId);
      return payment && payment.attempts >= 3 ? payment : null;
    }, 20_000, 'three failed attempts');
    expect(waiting).toMatchObject({ status: 'PENDING', declineReason: null });
    expect(await fx.charges(orderId)).toEqual([]);
  });
});
