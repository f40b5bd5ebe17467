import { DomainError } from '@tributary/contracts';
import type { PaymentState } from './state.ts';

/**
 * The payment's status does not allow the command (e.g. refunding what was never captured).
 * Saga reactions check the state before they ask, so this means a wiring bug or a race the
 * caller must look at again; it is a DomainError so GraphQL would answer CONFLICT.
 */
export class PaymentStateConflictError extends DomainError {
  override name = 'PaymentStateConflictError';
  constructor(
    readonly orderId: string,
    readonly status: PaymentState['status'],
    readonly command: string,
  ) {
    super('CONFLICT', `cannot ${command} the payment of order ${orderId}: it is ${status}`);
  }
}
