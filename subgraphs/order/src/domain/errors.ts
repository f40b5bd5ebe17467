import { DomainError, ValidationError } from '@tributary/contracts';
import type { OrderStatus } from './state.ts';

/**
 * The order's typed errors, all DomainErrors: the service kit maps their `code` to GraphQL
 * `extensions.code` in one place. Validation failures are the shared ValidationError.
 */
export { ValidationError as OrderValidationError };

/** The command targets an order that was never placed, or one the caller may not see (the same answer for both). */
export class OrderNotFoundError extends DomainError {
  override name = 'OrderNotFoundError';
  constructor(readonly orderId: string) {
    super('NOT_FOUND', `order ${orderId} not found`);
  }
}

/** The order exists but its status does not allow the command (e.g. cancelling twice). */
export class OrderStateConflictError extends DomainError {
  override name = 'OrderStateConflictError';
  constructor(
    readonly orderId: string,
    readonly status: OrderStatus,
    readonly command: string,
    detail?: string,
  ) {
    super('CONFLICT', detail ?? `cannot ${command} order ${orderId}: it is ${status}`);
  }
}
