import { assertNever } from '@tributary/contracts';
import type { PaymentEvent } from './events.ts';
import { openPayment, type Payment, type PaymentState } from './state.ts';

/**
 * Folds one event into the state. Events are stored facts, so evolve never throws: a stream
 * must stay readable.
 */
export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  const payment: Payment = state.status === 'NONE' ? openPayment(event.data.orderId) : state;
  switch (event.type) {
    case 'PaymentRequested': {
      const { customerId, method } = event.data;
      return { ...payment, customerId, method };
    }
    case 'PaymentAmountDue':
      return { ...payment, amount: event.data.amount };
    case 'PaymentAttemptFailed':
      return { ...payment, failedAttempts: event.data.attempt, nextAttemptAt: event.data.nextAttemptAt };
    case 'PaymentCaptured':
      // Captured after a void: the order is gone, so the money is owed back.
      return { ...payment, status: 'CAPTURED', amount: event.data.amount, nextAttemptAt: null, refundOwed: payment.status === 'VOIDED' };
    case 'PaymentDeclined':
      return { ...payment, status: 'DECLINED', nextAttemptAt: null };
    case 'PaymentVoided':
      return { ...payment, status: 'VOIDED', nextAttemptAt: null };
    case 'PaymentRefunded':
      return { ...payment, status: 'REFUNDED', refundOwed: false };
    default:
      return assertNever(event, 'payment event');
  }
}
