import type { Money } from '@tributary/contracts';

/**
 * The Payment aggregate's state (stream id = order id, one payment per order). What the saga
 * tells us arrives on two topics in either order: the method from OrderPlaced, the amount from
 * StockReserved. A charge is due once both are known.
 *
 *   NONE --request/amount--> PENDING --capture--> CAPTURED --refund--> REFUNDED
 *                              |  \--decline--> DECLINED
 *                              `----void-----> VOIDED (cancelled before any money moved)
 */
export type PaymentStatus = 'PENDING' | 'CAPTURED' | 'DECLINED' | 'VOIDED' | 'REFUNDED';

export interface NoPayment {
  status: 'NONE';
}

export interface Payment {
  status: PaymentStatus;
  paymentId: string;
  orderId: string;
  /** Known from PaymentRequested; null while only the amount is known. */
  customerId: string | null;
  method: string | null;
  /** Known from PaymentAmountDue; null while only the request is known. */
  amount: Money | null;
  /** Charge attempts that failed in a retryable way (provider down, timeout, circuit open). */
  failedAttempts: number;
  /** Not before this instant (ISO) may the next attempt run; null: at once. */
  nextAttemptAt: string | null;
  /**
   * The order was cancelled, yet money was captured: a charge in flight when the void was
   * recorded succeeded afterwards. The money must go back (a refund is owed).
   */
  refundOwed: boolean;
}

export type PaymentState = NoPayment | Payment;

export function initialState(): PaymentState {
  return { status: 'NONE' };
}

/** The payment's own id: derived from the order id, so every replica and retry agrees on it. */
export function paymentIdFor(orderId: string): string {
  return `pay_${orderId}`;
}

/** A new payment record for an order, before anything is known. */
export function openPayment(orderId: string): Payment {
  return {
    status: 'PENDING',
    paymentId: paymentIdFor(orderId),
    orderId,
    customerId: null,
    method: null,
    amount: null,
    failedAttempts: 0,
    nextAttemptAt: null,
    refundOwed: false,
  };
}

export type ChargeablePayment = Payment & { status: 'PENDING'; customerId: string; method: string; amount: Money };

/** Pending with method and amount known: the provider may be asked for the money. */
export function isChargeable(state: PaymentState): state is ChargeablePayment {
  return state.status === 'PENDING' && state.customerId !== null && state.method !== null && state.amount !== null;
}

/** Chargeable, and its backoff (if any) has elapsed at `now`. */
export function isChargeDue(state: PaymentState, now: Date): state is ChargeablePayment {
  return isChargeable(state) && (state.nextAttemptAt === null || Date.parse(state.nextAttemptAt) <= now.getTime());
}
