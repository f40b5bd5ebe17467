import type { CancellationReason } from '@tributary/contracts';
import { makeEnvelope } from '@tributary/testing';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { OrderEnvelope } from '../../src/projections/order-view.ts';
import { createSagaMetrics, sagaVerdictOf } from '../../src/projections/saga-metrics.ts';
import { orderCancelled, orderConfirmed, orderId } from '../domain/fixtures.ts';

const placedAt = new Date('2026-03-01T10:00:00.000Z');
const view = { createdAt: placedAt };
const at = (iso: string) => ({ aggregateId: orderId, aggregateVersion: 2, occurredAt: iso });

const confirmed = (iso = '2026-03-01T10:00:01.500Z') => makeEnvelope(orderConfirmed(), at(iso)) as OrderEnvelope;
const cancelled = (reason: CancellationReason, previousStatus: 'PENDING' | 'CONFIRMED' = 'PENDING') =>
  makeEnvelope(orderCancelled({ reason, previousStatus, cancelledBy: 'system' }), at('2026-03-01T10:02:00.000Z')) as OrderEnvelope;

describe('sagaVerdictOf', () => {
  it('maps the event that takes an order out of PENDING to its outcome and the time since placing it', () => {
    expect(sagaVerdictOf(confirmed(), view)).toEqual({ outcome: 'confirmed', seconds: 1.5 });
    expect(sagaVerdictOf(cancelled('OUT_OF_STOCK'), view)).toEqual({ outcome: 'cancelled_out_of_stock', seconds: 120 });
    expect(sagaVerdictOf(cancelled('PAYMENT_DECLINED'), view)?.outcome).toBe('cancelled_payment_declined');
    expect(sagaVerdictOf(cancelled('CUSTOMER_REQUEST'), view)?.outcome).toBe('cancelled_customer_request');
    expect(sagaVerdictOf(cancelled('TIMEOUT'), view)?.outcome).toBe('cancelled_timeout');
  });

  it('ignores what happens after the saga: placing, shipping, cancelling a confirmed order', () => {
    const placed = makeEnvelope({ type: 'OrderPlaced', data: { orderId, customerId: 'c-1', items: [{ sku: 'A', quantity: 1 }], idempotencyKey: null, paymentMethod: 'pm_card_ok', placedAt: placedAt.toISOString() } }, at(placedAt.toISOString()));
    const shipped = makeEnvelope({ type: 'OrderShipped', data: { orderId, shippedAt: placedAt.toISOString() } }, at(placedAt.toISOString()));
    expect(sagaVerdictOf(placed as OrderEnvelope, view)).toBeUndefined();
    expect(sagaVerdictOf(shipped as OrderEnvelope, view)).toBeUndefined();
    expect(sagaVerdictOf(cancelled('CUSTOMER_REQUEST', 'CONFIRMED'), view)).toBeUndefined();
  });

  it('never reports a negative duration (clock skew between replicas)', () => {
    expect(sagaVerdictOf(confirmed('2026-03-01T09:59:59.000Z'), view)?.seconds).toBe(0);
  });
});

describe('createSagaMetrics', () => {
  it('exposes every outcome from the start and counts each applied verdict', async () => {
    const registry = new Registry();
    const metrics = createSagaMetrics(registry);
    const order = { createdAt: placedAt } as Parameters<typeof metrics.orderApplied>[1];
    metrics.orderApplied(confirmed(), order);
    metrics.orderApplied(cancelled('CUSTOMER_REQUEST', 'CONFIRMED'), order);
    const text = await registry.metrics();
    expect(text).toContain('orders_total{outcome="confirmed"} 1');
    expect(text).toContain('orders_total{outcome="cancelled_customer_request"} 0');
    expect(text).toContain('orders_total{outcome="cancelled_timeout"} 0');
    expect(text).toContain('order_saga_duration_seconds_count{outcome="confirmed"} 1');
    expect(text).toContain('order_saga_duration_seconds_sum{outcome="confirmed"} 1.5');
    expect(text).toContain('order_saga_duration_seconds_count{outcome="cancelled_out_of_stock"} 0');
  });
});
