import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ConcurrencyError } from '@tributary/bus';
import { DomainError } from '@tributary/contracts';
import type { Logger } from '@tributary/telemetry';
import { SubscriptionOverflowError } from './subscriptions/overflow-error.ts';

/** Codes Apollo itself gives to requests it refused before running any resolver. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The one place where errors become GraphQL errors (architecture invariant 7): a DomainError
 * keeps its message and code (plus its client-safe details), a lost optimistic-concurrency race
 * is a CONFLICT, Apollo's own request errors pass through, a subscription that overflowed is
 * SUBSCRIPTION_OVERFLOW, and anything else is an internal error whose details are logged, never
 * sent: no stack traces or file paths in answers. HTTP (Apollo) and WebSocket (graphql-ws)
 * answers both go through it.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const where = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
    const domain = (cause: DomainError): GraphQLFormattedError => ({ message: cause.message, ...where, extensions: { ...cause.details, code: cause.code } });
    if (original instanceof DomainError) return domain(original);
    if (original instanceof ConcurrencyError) {
      return { message: 'the data changed concurrently, retry the request', ...where, extensions: { code: 'CONFLICT' } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const cause = wrappedCause(original);
    if (cause instanceof DomainError) return domain(cause);
    if (cause instanceof SubscriptionOverflowError) {
      return { message: cause.message, ...where, extensions: { code: cause.code, maxBuffered: cause.maxBuffered } };
    }
    logger.error({ err: original, path: formatted.path }, 'resolver failed');
    return { message: 'internal server error', ...where, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * graphql-ws wraps an error thrown by a subscription's event stream (and the subscription server
 * its own refusals) in a GraphQLError without a path, which unwrapResolverError leaves wrapped:
 * the first DomainError or SubscriptionOverflowError a few `originalError` links down, if any.
 */
function wrappedCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    if (current instanceof DomainError || current instanceof SubscriptionOverflowError) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}
