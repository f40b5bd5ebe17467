import { makeEnvelope, sampleEvents } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import { formatMoney, NOTIFICATION_TEMPLATES, renderEmail, triggerOf } from '../../src/domain/index.ts';

describe('renderEmail', () => {
  it('confirms an order', () => {
    const email = renderEmail({ template: 'order-confirmed', orderId: 'o-1' });
    expect(email.subject).toBe('Your order o-1 is confirmed');
    expect(email.text).toContain('confirmed order o-1');
  });

  it('says in words why an order was cancelled, with the detail', () => {
    const email = renderEmail({ template: 'order-cancelled', orderId: 'o-1', reason: 'OUT_OF_STOCK', detail: 'SKU-1: 2 requested, 1 available' });
    expect(email.subject).toBe('Your order o-1 was cancelled');
    expect(email.text).toContain('because some of the items are out of stock');
    expect(email.text).toContain('SKU-1: 2 requested, 1 available');
    expect(email.text).not.toContain('OUT_OF_STOCK');
  });

  it.each([
    ['PAYMENT_DECLINED', 'the payment was declined'],
    ['CUSTOMER_REQUEST', 'you asked us to cancel it'],
    ['TIMEOUT', 'it could not be completed in time'],
  ] as const)('words the reason %s', (reason, words) => {
    expect(renderEmail({ template: 'order-cancelled', orderId: 'o-1', reason, detail: 'd' }).text).toContain(words);
  });

  it('shows a refund in the currency’s units', () => {
    const email = renderEmail({ template: 'payment-refunded', orderId: 'o-1', amount: { amount: 5998, currency: 'EUR' } });
    expect(email.subject).toBe('Your refund for order o-1');
    expect(email.text).toContain('We refunded €59.98 for order o-1');
  });

  it('announces a shipment', () => {
    expect(renderEmail({ template: 'order-shipped', orderId: 'o-1' }).subject).toBe('Your order o-1 is on its way');
  });
});

describe('formatMoney', () => {
  it.each([
    [{ amount: 5998, currency: 'EUR' }, '€59.98'],
    [{ amount: 5, currency: 'USD' }, '$0.05'],
    [{ amount: 123456, currency: 'GBP' }, '£1,234.56'],
    [{ amount: 500, currency: 'JPY' }, '¥500'],
  ])('formats %o as %s', (money, text) => {
    expect(formatMoney(money)).toBe(text);
  });
});

describe('triggerOf', () => {
  it('maps every customer-visible event to its template, and nothing else', () => {
    expect(triggerOf(makeEnvelope(sampleEvents.OrderConfirmed))).toEqual({ template: 'order-confirmed', orderId: 'o-1' });
    expect(triggerOf(makeEnvelope(sampleEvents.OrderCancelled))).toEqual({
      template: 'order-cancelled',
      orderId: 'o-1',
      reason: 'OUT_OF_STOCK',
      detail: 'SKU-1 is out of stock',
    });
    expect(triggerOf(makeEnvelope(sampleEvents.PaymentRefunded))).toEqual({
      template: 'payment-refunded',
      orderId: 'o-1',
      amount: { amount: 5998, currency: 'EUR' },
    });
    expect(triggerOf(makeEnvelope(sampleEvents.OrderShipped))).toEqual({ template: 'order-shipped', orderId: 'o-1' });
    for (const quiet of [sampleEvents.OrderPlaced, sampleEvents.PaymentCaptured, sampleEvents.StockReserved, sampleEvents.NotificationSent]) {
      expect(triggerOf(makeEnvelope(quiet))).toBeNull();
    }
  });

  it('covers every template', () => {
    expect(NOTIFICATION_TEMPLATES).toEqual(['order-confirmed', 'order-cancelled', 'payment-refunded', 'order-shipped']);
  });
});
