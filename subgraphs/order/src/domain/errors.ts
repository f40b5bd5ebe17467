import type { z } from 'zod';
import type { OrderStatus } from './state.ts';

/**
 * Typed domain errors. Each carries a `code` naming its category; the GraphQL layer maps codes to
 * `extensions.code` in one place (they are named after those codes to keep the mapping obvious).
 */
export type OrderErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN';

export abstract class OrderDomainError extends Error {
  abstract readonly code: OrderErrorCode;
}

export interface FieldIssue {
  /** Dotted path into the command data, e.g. `items.2.quantity`; empty for the whole command. */
  path: string;
  message: string;
}

/** The command's input breaks a rule; nothing was changed. */
export class OrderValidationError extends OrderDomainError {
  override readonly name = 'OrderValidationError';
  readonly code = 'BAD_USER_INPUT';
  readonly issues: readonly FieldIssue[];
  /** Path of the first issue, the one named in `message`. */
  readonly path: string;

  constructor(issues: readonly FieldIssue[]) {
    const [first] = issues;
    super(first ? (first.path ? `${first.path}: ${first.message}` : first.message) : 'invalid order command');
    this.issues = issues;
    this.path = first?.path ?? '';
  }

  static fromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): OrderValidationError {
    return new OrderValidationError(
      error.issues.map((issue) => ({
        path: [...prefix, ...issue.path].map(String).join('.'),
        message: issue.message,
      })),
    );
  }
}

/** The command targets an order that was never placed. */
export class OrderNotFoundError extends OrderDomainError {
  override readonly name = 'OrderNotFoundError';
  readonly code = 'NOT_FOUND';
  constructor(readonly orderId: string) {
    super(`order ${orderId} not found`);
  }
}

/** The order exists but its status does not allow the command (e.g. cancelling twice). */
export class OrderStateConflictError extends OrderDomainError {
  override readonly name = 'OrderStateConflictError';
  readonly code = 'CONFLICT';
  constructor(
    readonly orderId: string,
    readonly status: OrderStatus,
    readonly command: string,
    detail?: string,
  ) {
    super(detail ?? `cannot ${command} order ${orderId}: it is ${status}`);
  }
}

/** A customer tried to act on another customer's order. */
export class OrderForbiddenError extends OrderDomainError {
  override readonly name = 'OrderForbiddenError';
  readonly code = 'FORBIDDEN';
  constructor(
    readonly orderId: string,
    readonly command: string,
  ) {
    super(`not allowed to ${command} order ${orderId}`);
  }
}
