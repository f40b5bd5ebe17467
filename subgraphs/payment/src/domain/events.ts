import { paymentEvents, type DomainEvent } from '@tributary/contracts';

/** The payment's events, typed from the contracts (the latest version of each). */
export type PaymentEventType = keyof typeof paymentEvents;
export type PaymentEvent = DomainEvent<PaymentEventType>;

export type PaymentRequested = DomainEvent<'PaymentRequested'>;
export type PaymentAmountDue = DomainEvent<'PaymentAmountDue'>;
export type PaymentAttemptFailed = DomainEvent<'PaymentAttemptFailed'>;
export type PaymentCaptured = DomainEvent<'PaymentCaptured'>;
export type PaymentDeclined = DomainEvent<'PaymentDeclined'>;
export type PaymentVoided = DomainEvent<'PaymentVoided'>;
export type PaymentRefunded = DomainEvent<'PaymentRefunded'>;

export function isPaymentEvent<E extends { type: string }>(event: E): event is E & { type: PaymentEventType } {
  return Object.hasOwn(paymentEvents, event.type);
}
