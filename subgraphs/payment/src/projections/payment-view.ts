import { assertNever, type AnyEventEnvelope } from '@tributary/contracts';
import type { SingleStreamProjection, StreamView } from '@tributary/service';
import { isPaymentEvent, type PaymentEventType, type PaymentStatus } from '../domain/index.ts';

/**
 * The read model of one order's payment: what queries answer from, and where the retry worker
 * finds charges that are due. `version` is the aggregate version of the last event applied.
 */
export interface PaymentView extends StreamView {
  /** The order id (the stream id). */
  _id: string;
  paymentId: string;
  /** Null until OrderPlaced was seen (the amount may arrive first). */
  customerId: string | null;
  method: string | null;
  status: PaymentStatus;
  amountCents: number | null;
  currency: string | null;
  declineReason: string | null;
  /** Provider calls that got an answer or failed: failed attempts, plus the one that settled it. */
  attempts: number;
  /** Set while a charge is owed and waits: the worker charges it from this instant on. */
  nextAttemptAt: Date | null;
  /** Captured after the order was voided: the worker refunds it. */
  refundOwed: boolean;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type PaymentEnvelope = AnyEventEnvelope<PaymentEventType>;

function blankView(envelope: PaymentEnvelope, at: Date): PaymentView {
  return {
    _id: envelope.aggregateId,
    paymentId: envelope.data.paymentId,
    customerId: null,
    method: null,
    status: 'PENDING',
    amountCents: null,
    currency: null,
    declineReason: null,
    attempts: 0,
    nextAttemptAt: null,
    refundOwed: false,
    lastError: null,
    createdAt: at,
    updatedAt: at,
    version: 0,
  };
}

/** Due from `at` when pending with both halves known; else nothing is owed. */
function dueFrom(view: PaymentView, at: Date): Date | null {
  return view.status === 'PENDING' && view.method !== null && view.amountCents !== null ? at : null;
}

function evolve(current: PaymentView | null, envelope: PaymentEnvelope): PaymentView {
  const at = new Date(envelope.occurredAt);
  const view = { ...(current ?? blankView(envelope, at)), updatedAt: at, version: envelope.aggregateVersion };
  switch (envelope.type) {
    case 'PaymentRequested': {
      const next = { ...view, customerId: envelope.data.customerId, method: envelope.data.method };
      return { ...next, nextAttemptAt: dueFrom(next, at) };
    }
    case 'PaymentAmountDue': {
      const next = { ...view, amountCents: envelope.data.amount.amount, currency: envelope.data.amount.currency };
      return { ...next, nextAttemptAt: dueFrom(next, at) };
    }
    case 'PaymentAttemptFailed':
      return { ...view, attempts: envelope.data.attempt, nextAttemptAt: new Date(envelope.data.nextAttemptAt), lastError: envelope.data.error };
    case 'PaymentCaptured':
      return {
        ...view,
        status: 'CAPTURED',
        amountCents: envelope.data.amount.amount,
        currency: envelope.data.amount.currency,
        attempts: view.attempts + 1,
        nextAttemptAt: null,
        refundOwed: view.status === 'VOIDED',
      };
    case 'PaymentDeclined':
      return { ...view, status: 'DECLINED', declineReason: envelope.data.reason, attempts: view.attempts + 1, nextAttemptAt: null };
    case 'PaymentVoided':
      return { ...view, status: 'VOIDED', nextAttemptAt: null };
    case 'PaymentRefunded':
      return { ...view, status: 'REFUNDED', refundOwed: false };
    default:
      return assertNever(envelope, 'payment event');
  }
}

export const paymentProjection: SingleStreamProjection<PaymentView, PaymentEnvelope> = {
  name: 'payments',
  handles: (envelope): envelope is PaymentEnvelope => isPaymentEvent(envelope),
  evolve,
};

/** A payment a customer can be shown: one the order placed (the request carries who and how). */
export type RequestedPaymentView = PaymentView & { customerId: string; method: string };

export function isRequested(view: PaymentView): view is RequestedPaymentView {
  return view.customerId !== null && view.method !== null;
}
