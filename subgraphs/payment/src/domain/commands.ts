import type { Money } from '@tributary/contracts';

/**
 * Commands carry everything a decision needs, the time (`now`) included, so `decide` stays
 * pure. Each names its order (the stream id). Outcomes of provider calls arrive as commands
 * too: the call happens outside the domain, the decision about what it means happens inside.
 */
export interface RequestPayment {
  type: 'RequestPayment';
  data: { orderId: string; customerId: string; method: string; now: Date };
}

export interface SetAmountDue {
  type: 'SetAmountDue';
  data: { orderId: string; amount: Money; now: Date };
}

export interface RecordAttemptFailed {
  type: 'RecordAttemptFailed';
  /** `attempt` is the number of this failed attempt (1 for the first): a repeat is recognised. */
  data: { orderId: string; attempt: number; error: string; nextAttemptAt: Date; now: Date };
}

export interface Capture {
  type: 'Capture';
  data: { orderId: string; now: Date };
}

export interface Decline {
  type: 'Decline';
  data: { orderId: string; reason: string; now: Date };
}

export interface Void {
  type: 'Void';
  data: { orderId: string; reason: string; now: Date };
}

export interface Refund {
  type: 'Refund';
  data: { orderId: string; now: Date };
}

export type PaymentCommand = RequestPayment | SetAmountDue | RecordAttemptFailed | Capture | Decline | Void | Refund;
