import { assertNever } from '@tributary/contracts';
import type { Capture, Decline, PaymentCommand, RecordAttemptFailed, Refund, RequestPayment, SetAmountDue, Void } from './commands.ts';
import { PaymentStateConflictError } from './errors.ts';
import type {
  PaymentAmountDue,
  PaymentAttemptFailed,
  PaymentCaptured,
  PaymentDeclined,
  PaymentEvent,
  PaymentRefunded,
  PaymentRequested,
  PaymentVoided,
} from './events.ts';
import { isChargeable, paymentIdFor, type PaymentState } from './state.ts';

/**
 * The payment's rules. Pure. Every command arrives from at-least-once delivery or a retry, so a
 * repeat of something already recorded decides nothing (no events) instead of failing.
 */
export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'RequestPayment':
      return requestPayment(command, state);
    case 'SetAmountDue':
      return setAmountDue(command, state);
    case 'RecordAttemptFailed':
      return recordAttemptFailed(command, state);
    case 'Capture':
      return capture(command, state);
    case 'Decline':
      return decline(command, state);
    case 'Void':
      return voidPayment(command, state);
    case 'Refund':
      return refund(command, state);
    default:
      return assertNever(command, 'payment command');
  }
}

function requestPayment({ data }: RequestPayment, state: PaymentState): PaymentRequested[] {
  // Only a payment still waiting for its request takes one: a redelivered OrderPlaced, or one
  // for an order already voided (its cancellation overtook it), changes nothing.
  const waiting = state.status === 'NONE' || (state.status === 'PENDING' && state.customerId === null);
  if (!waiting) return [];
  const { orderId, customerId, method, now } = data;
  return [{ type: 'PaymentRequested', data: { paymentId: paymentIdFor(orderId), orderId, customerId, method, requestedAt: iso(now) } }];
}

function setAmountDue({ data }: SetAmountDue, state: PaymentState): PaymentAmountDue[] {
  // A voided payment is never charged, so a late amount is ignored; so is a repeated one.
  const waiting = state.status === 'NONE' || (state.status === 'PENDING' && state.amount === null);
  if (!waiting) return [];
  const { orderId, amount, now } = data;
  return [{ type: 'PaymentAmountDue', data: { paymentId: paymentIdFor(orderId), orderId, amount, dueAt: iso(now) } }];
}

function recordAttemptFailed({ data }: RecordAttemptFailed, state: PaymentState): PaymentAttemptFailed[] {
  // Settled meanwhile (captured by another replica, voided...): the failure no longer matters.
  if (!isChargeable(state)) return [];
  // Another replica already recorded this attempt: the same failure, recorded once.
  if (data.attempt <= state.failedAttempts) return [];
  if (data.attempt !== state.failedAttempts + 1) throw new PaymentStateConflictError(data.orderId, state.status, `record attempt ${data.attempt} after ${state.failedAttempts}`);
  return [
    {
      type: 'PaymentAttemptFailed',
      data: {
        paymentId: state.paymentId,
        orderId: state.orderId,
        attempt: data.attempt,
        error: data.error.slice(0, 500) || 'unknown error',
        nextAttemptAt: iso(data.nextAttemptAt),
        failedAt: iso(data.now),
      },
    },
  ];
}

function capture({ data }: Capture, state: PaymentState): PaymentCaptured[] {
  if (state.status === 'CAPTURED' || state.status === 'REFUNDED') return [];
  // The provider took the money, so it is recorded even when the order was voided while the
  // charge was in flight: the state then owes a refund, and the money goes back.
  const chargedAfterVoid = state.status === 'VOIDED' && state.method !== null;
  if (!(isChargeable(state) || chargedAfterVoid) || state.amount === null) throw new PaymentStateConflictError(data.orderId, state.status, 'capture');
  return [{ type: 'PaymentCaptured', data: { paymentId: state.paymentId, orderId: state.orderId, amount: state.amount, capturedAt: iso(data.now) } }];
}

function decline({ data }: Decline, state: PaymentState): PaymentDeclined[] {
  // Declined already, or voided meanwhile (no money moved either way): nothing to add.
  if (state.status === 'DECLINED' || state.status === 'VOIDED') return [];
  if (!isChargeable(state)) throw new PaymentStateConflictError(data.orderId, state.status, 'decline');
  const reason = data.reason.trim().slice(0, 500) || 'declined by the payment provider';
  return [{ type: 'PaymentDeclined', data: { paymentId: state.paymentId, orderId: state.orderId, amount: state.amount, reason, declinedAt: iso(data.now) } }];
}

function voidPayment({ data }: Void, state: PaymentState): PaymentVoided[] {
  // Pending (or not even known yet: the void then keeps a late amount from being charged).
  // Once captured, money cannot be voided: the caller refunds instead (see order-reactions.ts).
  if (state.status !== 'NONE' && state.status !== 'PENDING') return [];
  const reason = data.reason.trim().slice(0, 500) || 'order cancelled';
  return [{ type: 'PaymentVoided', data: { paymentId: paymentIdFor(data.orderId), orderId: data.orderId, reason, voidedAt: iso(data.now) } }];
}

function refund({ data }: Refund, state: PaymentState): PaymentRefunded[] {
  if (state.status === 'REFUNDED') return [];
  if (state.status !== 'CAPTURED' || state.amount === null) throw new PaymentStateConflictError(data.orderId, state.status, 'refund');
  return [{ type: 'PaymentRefunded', data: { paymentId: state.paymentId, orderId: state.orderId, amount: state.amount, refundedAt: iso(data.now) } }];
}

/** Time comes in with the command; an invalid Date is a caller bug, not input. */
function iso(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('payment command dates must be valid Dates');
  return date.toISOString();
}
