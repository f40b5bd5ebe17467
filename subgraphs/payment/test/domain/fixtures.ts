import type { Capture, Decline, RecordAttemptFailed, Refund, RequestPayment, SetAmountDue, Void } from '../../src/domain/commands.ts';
import type {
  PaymentAmountDue,
  PaymentAttemptFailed,
  PaymentCaptured,
  PaymentDeclined,
  PaymentRefunded,
  PaymentRequested,
  PaymentVoided,
} from '../../src/domain/events.ts';

/** Builders for the payment specs: one valid command/event each, overridable per test. */
export const orderId = 'order-1';
export const paymentId = 'pay_order-1';
export const customerId = 'customer-1';
export const method = 'pm_card_ok';
export const amount = { amount: 5998, currency: 'EUR' };
export const t0 = new Date('2026-03-01T10:00:00.000Z');
export const t1 = new Date('2026-03-01T10:00:01.000Z');
export const t2 = new Date('2026-03-01T10:00:02.000Z');

export const requestPayment = (data: Partial<RequestPayment['data']> = {}): RequestPayment => ({
  type: 'RequestPayment',
  data: { orderId, customerId, method, now: t0, ...data },
});
export const setAmountDue = (data: Partial<SetAmountDue['data']> = {}): SetAmountDue => ({ type: 'SetAmountDue', data: { orderId, amount, now: t0, ...data } });
export const recordAttemptFailed = (data: Partial<RecordAttemptFailed['data']> = {}): RecordAttemptFailed => ({
  type: 'RecordAttemptFailed',
  data: { orderId, attempt: 1, error: 'provider answered 503', nextAttemptAt: t2, now: t1, ...data },
});
export const capture = (data: Partial<Capture['data']> = {}): Capture => ({ type: 'Capture', data: { orderId, now: t1, ...data } });
export const decline = (data: Partial<Decline['data']> = {}): Decline => ({ type: 'Decline', data: { orderId, reason: 'your card was declined', now: t1, ...data } });
export const voidPayment = (data: Partial<Void['data']> = {}): Void => ({ type: 'Void', data: { orderId, reason: 'order cancelled (CUSTOMER_REQUEST)', now: t1, ...data } });
export const refund = (data: Partial<Refund['data']> = {}): Refund => ({ type: 'Refund', data: { orderId, now: t2, ...data } });

export const paymentRequested = (data: Partial<PaymentRequested['data']> = {}): PaymentRequested => ({
  type: 'PaymentRequested',
  data: { paymentId, orderId, customerId, method, requestedAt: t0.toISOString(), ...data },
});
export const paymentAmountDue = (data: Partial<PaymentAmountDue['data']> = {}): PaymentAmountDue => ({
  type: 'PaymentAmountDue',
  data: { paymentId, orderId, amount, dueAt: t0.toISOString(), ...data },
});
export const paymentAttemptFailed = (data: Partial<PaymentAttemptFailed['data']> = {}): PaymentAttemptFailed => ({
  type: 'PaymentAttemptFailed',
  data: { paymentId, orderId, attempt: 1, error: 'provider answered 503', nextAttemptAt: t2.toISOString(), failedAt: t1.toISOString(), ...data },
});
export const paymentCaptured = (data: Partial<PaymentCaptured['data']> = {}): PaymentCaptured => ({
  type: 'PaymentCaptured',
  data: { paymentId, orderId, amount, capturedAt: t1.toISOString(), ...data },
});
export const paymentDeclined = (data: Partial<PaymentDeclined['data']> = {}): PaymentDeclined => ({
  type: 'PaymentDeclined',
  data: { paymentId, orderId, amount, reason: 'your card was declined', declinedAt: t1.toISOString(), ...data },
});
export const paymentVoided = (data: Partial<PaymentVoided['data']> = {}): PaymentVoided => ({
  type: 'PaymentVoided',
  data: { paymentId, orderId, reason: 'order cancelled (CUSTOMER_REQUEST)', voidedAt: t1.toISOString(), ...data },
});
export const paymentRefunded = (data: Partial<PaymentRefunded['data']> = {}): PaymentRefunded => ({
  type: 'PaymentRefunded',
  data: { paymentId, orderId, amount, refundedAt: t2.toISOString(), ...data },
});

/** A payment whose charge is due: both halves known. */
export const due = [paymentRequested(), paymentAmountDue()];
