import { describe, expect, it } from 'vitest';
import { evaluateInvariants } from '../kit/invariants.ts';
import type { StoreFacts, StoredEvent } from '../kit/store-facts.ts';

// Facts of a tiny healthy run, built by hand: one confirmed order of 2 units of A, one order
// cancelled after confirmation (captured, refunded, its hold released), one declined.
let ids = 0;
const event = (aggregateId: string, aggregateVersion: number, type: string, data: object = {}): StoredEvent => ({
  id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  type,
  aggregateId,
  aggregateVersion,
  data,
});
const placed = (orderId: string, sku: string, quantity: number) =>
  event(orderId, 1, 'OrderPlaced', { customerId: 'c1', idempotencyKey: `key-${orderId}`, items: [{ sku, quantity }] });

function healthyFacts(): StoreFacts {
  const orders = {
    o1: [placed('o1', 'A', 2), event('o1', 2, 'OrderConfirmed')],
    o2: [placed('o2', 'A', 1), event('o2', 2, 'OrderConfirmed'), event('o2', 3, 'OrderCancelled', { reason: 'CUSTOMER_REQUEST' })],
    o3: [placed('o3', 'A', 1), event('o3', 2, 'OrderCancelled', { reason: 'PAYMENT_DECLINED' })],
  };
  const payments = {
    o1: [event('o1', 1, 'PaymentCaptured')],
    o2: [event('o2', 1, 'PaymentCaptured'), event('o2', 2, 'PaymentRefunded')],
    o3: [event('o3', 1, 'PaymentDeclined')],
  };
  const product = [
    event('A', 1, 'ProductAdded', { sku: 'A', name: 'A', price: { amount: 100, currency: 'EUR' }, initialStock: 10 }),
    event('A', 2, 'StockItemReserved', { sku: 'A', orderId: 'o1', quantity: 2 }),
    event('A', 3, 'StockItemReserved', { sku: 'A', orderId: 'o2', quantity: 1 }),
    event('A', 4, 'StockItemReserved', { sku: 'A', orderId: 'o3', quantity: 1 }),
    event('A', 5, 'StockItemReleased', { sku: 'A', orderId: 'o3', quantity: 1 }),
    event('A', 6, 'StockItemReleased', { sku: 'A', orderId: 'o2', quantity: 1 }),
  ];
  const visible = [...Object.values(orders).flat(), ...Object.values(payments).flat()].filter((e) =>
    ['OrderConfirmed', 'OrderCancelled', 'PaymentRefunded'].includes(e.type),
  );
  const notifications = visible.map((cause, index) =>
    event(`n${index}`, 1, 'NotificationSent', { notificationId: `n${index}`, orderId: cause.aggregateId, triggeredBy: cause.id, template: 't' }),
  );
  return {
    orderStreams: new Map(Object.entries(orders)),
    orderViews: new Map(Object.entries(orders).map(([id, stream]) => [id, { status: id === 'o1' ? 'CONFIRMED' : 'CANCELLED', cancellationReason: null, version: stream.length }])),
    paymentStreams: new Map(Object.entries(payments)),
    productStreams: new Map([['A', product]]),
    productViews: new Map([['A', { stock: 10, reserved: 2, available: 8, version: 6 }]]),
    notifications,
    providerCharges: new Map([
      ['o1', [{ id: 'ch_1', status: 'succeeded' as const, refunded: false, description: 'order o1' }]],
      ['o2', [{ id: 'ch_2', status: 'succeeded' as const, refunded: true, description: 'order o2' }]],
      ['o3', [{ id: 'ch_3', status: 'failed' as const, refunded: false, description: 'order o3' }]],
    ]),
    mailFiles: new Set(notifications.map((n) => `${n.data.notificationId}@tributary.local.eml`)),
    initialStock: { A: 10 },
  };
}

const failing = (facts: StoreFacts, acknowledged = ['o1', 'o2', 'o3']) =>
  evaluateInvariants(facts, acknowledged).filter((invariant) => !invariant.holds).map((invariant) => invariant.name);

describe('demo invariants', () => {
  it('hold for a consistent run', () => {
    expect(failing(healthyFacts())).toEqual([]);
  });

  it('an acknowledged order missing from the stores, or still pending, is reported', () => {
    expect(failing(healthyFacts(), ['o1', 'lost'])).toEqual(['acknowledged orders stored and final']);
    const facts = healthyFacts();
    facts.orderViews.set('o1', { status: 'PENDING', cancellationReason: null, version: 1 });
    expect(failing(facts)).toEqual(['acknowledged orders stored and final']);
  });

  it('two orders under one idempotency key are reported', () => {
    const facts = healthyFacts();
    facts.orderStreams.get('o3')![0]!.data.idempotencyKey = 'key-o1';
    expect(failing(facts)).toContain('one order per idempotency key');
  });

  it('a second capture, in the events or at the provider, and an unrefunded cancellation are reported', () => {
    const twice = healthyFacts();
    twice.paymentStreams.get('o1')!.push(event('o1', 2, 'PaymentCaptured'));
    expect(failing(twice)).toContain('no order charged twice; cancelled captures refunded');
    const ledger = healthyFacts();
    ledger.providerCharges!.get('o1')!.push({ id: 'ch_9', status: 'succeeded', refunded: false, description: 'order o1' });
    expect(failing(ledger)).toEqual(['no order charged twice; cancelled captures refunded']);
    const kept = healthyFacts();
    kept.providerCharges!.get('o2')![0]!.refunded = false;
    expect(failing(kept)).toEqual(['no order charged twice; cancelled captures refunded']);
  });

  it('a hold left for a cancelled order, or a read model that disagrees, is reported', () => {
    const stray = healthyFacts();
    stray.productStreams.get('A')!.pop();
    expect(failing(stray)).toEqual(['stock consistent']);
    const view = healthyFacts();
    view.productViews.set('A', { stock: 10, reserved: 3, available: 7, version: 6 });
    expect(failing(view)).toEqual(['stock consistent']);
  });

  it('a missing, doubled or unmailed notification is reported', () => {
    const missing = healthyFacts();
    missing.notifications.pop();
    expect(failing(missing)).toEqual(['one notification per customer-visible event']);
    const doubled = healthyFacts();
    doubled.notifications.push({ ...doubled.notifications[0]!, id: 'other' });
    expect(failing(doubled)).toEqual(['one notification per customer-visible event']);
    const unmailed = healthyFacts();
    unmailed.mailFiles!.clear();
    expect(failing(unmailed)).toEqual(['every notification mailed']);
  });
});
