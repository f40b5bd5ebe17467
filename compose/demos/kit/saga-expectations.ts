import type { SagaPath } from './orders.ts';

/**
 * What each saga path must leave behind across the services (docs/saga.md): the order's final
 * status and reason, the events that must be there, the ones that must not, and the customer's
 * notifications. Checked against a timeline read from the event stores (timeline.ts), so a
 * missing compensation, a second charge or a lost e-mail shows as a named problem.
 */

export interface SagaExpectation {
  status: 'CONFIRMED' | 'CANCELLED';
  cancellationReason?: 'OUT_OF_STOCK' | 'PAYMENT_DECLINED' | 'CUSTOMER_REQUEST';
  required: string[];
  forbidden: string[];
  /** NotificationSent templates, each exactly once. */
  notifications: string[];
}

export const SAGA_EXPECTATIONS: Record<SagaPath, SagaExpectation> = {
  confirmed: {
    status: 'CONFIRMED',
    required: ['OrderPlaced', 'StockItemReserved', 'StockReserved', 'PaymentRequested', 'PaymentCaptured', 'OrderConfirmed'],
    forbidden: ['StockRejected', 'PaymentDeclined', 'OrderCancelled', 'StockReleased', 'PaymentRefunded', 'PaymentVoided'],
    notifications: ['order-confirmed'],
  },
  'out-of-stock': {
    status: 'CANCELLED',
    cancellationReason: 'OUT_OF_STOCK',
    required: ['OrderPlaced', 'StockRejected', 'OrderCancelled'],
    forbidden: ['StockReserved', 'PaymentCaptured', 'OrderConfirmed', 'PaymentRefunded'],
    notifications: ['order-cancelled'],
  },
  declined: {
    status: 'CANCELLED',
    cancellationReason: 'PAYMENT_DECLINED',
    required: ['OrderPlaced', 'StockReserved', 'PaymentDeclined', 'OrderCancelled', 'StockReleased'],
    forbidden: ['PaymentCaptured', 'OrderConfirmed', 'StockRejected', 'PaymentRefunded'],
    notifications: ['order-cancelled'],
  },
  'cancelled-after-confirmation': {
    status: 'CANCELLED',
    cancellationReason: 'CUSTOMER_REQUEST',
    required: ['OrderPlaced', 'StockReserved', 'PaymentCaptured', 'OrderConfirmed', 'OrderCancelled', 'StockReleased', 'PaymentRefunded'],
    forbidden: ['StockRejected', 'PaymentDeclined', 'PaymentVoided'],
    notifications: ['order-confirmed', 'order-cancelled', 'payment-refunded'],
  },
};

/** Events of one order's own stream: each type at most once (the decider never decides twice). */
const ONCE_PER_ORDER = ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled', 'StockReserved', 'StockRejected', 'StockReleased', 'PaymentCaptured', 'PaymentDeclined', 'PaymentRefunded'];

export interface ObservedEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Every way the order's status and events differ from its path's expectation; empty when it went as it should. */
export function sagaProblems(path: SagaPath, status: string, events: readonly ObservedEvent[]): string[] {
  const expected = SAGA_EXPECTATIONS[path];
  const problems: string[] = [];
  if (status !== expected.status) problems.push(`status ${status}, expected ${expected.status}`);
  const count = (type: string) => events.filter((event) => event.type === type).length;
  for (const type of expected.required) if (count(type) === 0) problems.push(`no ${type}`);
  for (const type of expected.forbidden) if (count(type) > 0) problems.push(`unexpected ${type}`);
  for (const type of ONCE_PER_ORDER) if (count(type) > 1) problems.push(`${type} ${count(type)} times`);
  const reason = events.find((event) => event.type === 'OrderCancelled')?.data.reason;
  if (expected.cancellationReason && reason !== undefined && reason !== expected.cancellationReason) {
    problems.push(`cancelled with ${String(reason)}, expected ${expected.cancellationReason}`);
  }
  const templates = events.filter((event) => event.type === 'NotificationSent').map((event) => String(event.data.template));
  for (const template of expected.notifications) {
    const sent = templates.filter((name) => name === template).length;
    if (sent !== 1) problems.push(`notification ${template} sent ${sent} times, expected once`);
  }
  for (const template of new Set(templates)) if (!expected.notifications.includes(template)) problems.push(`unexpected notification ${template}`);
  return problems;
}
