import { ConcurrencyError } from '@tributary/bus';
import type { Actor } from '@tributary/contracts';
import { GraphQLError } from 'graphql';
import { OrderDomainError, OrderValidationError } from '../domain/index.ts';

/** The error codes clients see in `extensions.code` (architecture invariant 7). */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN';

export function graphQLError(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** Typed errors become GraphQL errors in this one place; anything else stays an internal error. */
export function toGraphQLError(error: unknown): unknown {
  if (error instanceof OrderValidationError) {
    return graphQLError(error.message, error.code, { field: error.path, issues: error.issues });
  }
  if (error instanceof OrderDomainError) return graphQLError(error.message, error.code);
  if (error instanceof ConcurrencyError) {
    return graphQLError('the order changed concurrently, retry the request', 'CONFLICT');
  }
  return error;
}

/** Runs a resolver body, translating domain errors on the way out. */
export async function mapErrors<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toGraphQLError(error);
  }
}

export function requireActor(actor: Actor | undefined): Actor {
  if (!actor) throw graphQLError('sign in: this operation needs a bearer token', 'UNAUTHENTICATED');
  return actor;
}
