import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';

/**
 * A result made of errors only. graphql-ws serializes each error with its toJSON(), so they must
 * be GraphQLError instances even when they come from a subgraph's already formatted answer.
 */
export function errorResult(errors: readonly GraphQLFormattedError[]): ExecutionResult {
  return {
    errors: errors.map((error) => new GraphQLError(error.message, { ...(error.path ? { path: error.path } : {}), ...(error.extensions ? { extensions: error.extensions } : {}) })),
  };
}

export function codedErrorResult(message: string, code: string): ExecutionResult {
  return errorResult([{ message, extensions: { code } }]);
}
