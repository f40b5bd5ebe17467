import { createRequire } from 'node:module';
import type { GraphQLError } from 'graphql';
import { DomainError } from '@tributary/contracts';

/**
 * The graphql module graphql-ws runs with. graphql-ws checks `instanceof GraphQLError` on what
 * onSubscribe returns and executes with the graphql Node loads (its CommonJS build); an ESM
 * `import 'graphql'` gives a second copy under vitest (which follows the `module` field), whose
 * errors and schemas that copy rejects. require() gives the very copy graphql-ws and Apollo use,
 * under vitest and in production alike.
 */
export const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * A refused request as an error of graphql-ws's graphql, with its code (Apollo's codes:
 * GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_REQUEST). Rebuilt rather than reused
 * because a validation rule may have built it with another copy of graphql.
 */
export function requestError(error: GraphQLError, code: string): GraphQLError {
  return new graphql.GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    extensions: { ...error.extensions, code },
  });
}

/**
 * A subscription whose assertion failed. It carries a DomainError so that the service's error
 * formatter maps it like any UNAUTHENTICATED, and the code itself for a server without one.
 */
export function unauthenticatedError(message: string): GraphQLError {
  return new graphql.GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' }, originalError: new DomainError('UNAUTHENTICATED', message) });
}
