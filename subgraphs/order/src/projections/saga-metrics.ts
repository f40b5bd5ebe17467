import type { CancellationReason } from '@tributary/contracts';
import type { Registry } from '@tributary/telemetry';
import { Counter, Histogram } from 'prom-client';
import type { OrderEnvelope, OrderView } from './order-view.ts';

/** How the saga ended an order: the `outcome` label of orders_total and order_saga_duration_seconds. */
export type SagaOutcome = 'confirmed' | `cancelled_${Lowercase<CancellationReason>}`;

const CANCELLED: Record<CancellationReason, SagaOutcome> = {
  OUT_OF_STOCK: 'cancelled_out_of_stock',
  PAYMENT_DECLINED: 'cancelled_payment_declined',
  CUSTOMER_REQUEST: 'cancelled_customer_request',
  TIMEOUT: 'cancelled_timeout',
};

export const SAGA_OUTCOMES: readonly SagaOutcome[] = ['confirmed', ...Object.values(CANCELLED)];

export interface SagaVerdict {
  outcome: SagaOutcome;
  /** From OrderPlaced to the event that ended the saga, by the events' own times. */
  seconds: number;
}

/**
 * The saga's verdict if this event takes the order out of PENDING, else undefined. Only that
 * first step counts: a customer cancelling an order that was already CONFIRMED (previousStatus
 * CONFIRMED) and shipping are after the saga, so every order is counted once, as confirmed or
 * as cancelled while pending.
 */
export function sagaVerdictOf(envelope: OrderEnvelope, view: Pick<OrderView, 'createdAt'>): SagaVerdict | undefined {
  let outcome: SagaOutcome;
  if (envelope.type === 'OrderConfirmed') outcome = 'confirmed';
  else if (envelope.type === 'OrderCancelled' && envelope.data.previousStatus === 'PENDING') outcome = CANCELLED[envelope.data.reason];
  else return undefined;
  const placedAt = new Date(view.createdAt).getTime();
  return { outcome, seconds: Math.max(0, (Date.parse(envelope.occurredAt) - placedAt) / 1000) };
}

export interface SagaMetrics {
  /** For readModelConsumer's onApplied: runs once per applied event, never for a redelivery. */
  orderApplied(envelope: OrderEnvelope, view: OrderView): void;
}

/**
 * orders_total{outcome} and order_saga_duration_seconds{outcome}, fed by the order read-model
 * projection when it applies the event that ends the saga. The projection's version check lets
 * each event be applied once across replicas and redeliveries, so summing over replicas counts
 * each order once. (A crash between the write and the increment loses that one count; a
 * read-model rebuild from the start of the topic counts every order again.)
 */
export function createSagaMetrics(registry: Registry): SagaMetrics {
  const orders = new Counter({
    name: 'orders_total',
    help: 'Orders the saga finished, by outcome: confirmed, or cancelled_<reason> while pending.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'order_saga_duration_seconds',
    help: 'Time from OrderPlaced to the event that confirmed or cancelled the order, by outcome.',
    labelNames: ['outcome'],
    // From a fast confirmation (tens of ms) to the TIMEOUT deadline (default 2 minutes) and past it.
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  // Every outcome has a series from the start, so rate() and alerts see the first order too.
  for (const outcome of SAGA_OUTCOMES) {
    orders.inc({ outcome }, 0);
    duration.zero({ outcome });
  }
  return {
    orderApplied(envelope, view) {
      const verdict = sagaVerdictOf(envelope, view);
      if (!verdict) return;
      orders.inc({ outcome: verdict.outcome });
      duration.observe({ outcome: verdict.outcome }, verdict.seconds);
    },
  };
}
