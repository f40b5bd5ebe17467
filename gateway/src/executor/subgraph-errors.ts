import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * A subgraph's error as the client sees it (as Apollo's gateway words it): the subgraph's message
 * and extensions, the subgraph's name, the path rewritten into the client's response, and the
 * code DOWNSTREAM_SERVICE_ERROR when the subgraph gave none.
 */
export function downstreamError(error: GraphQLFormattedError, serviceName: string, path: readonly (string | number)[] | undefined): GraphQLError {
  const extensions: Record<string, unknown> = { ...error.extensions, serviceName };
  if (extensions['code'] === undefined) extensions['code'] = 'DOWNSTREAM_SERVICE_ERROR';
  return new GraphQLError(error.message || `Error while fetching subquery from service "${serviceName}"`, {
    ...(path ? { path } : {}),
    extensions,
  });
}

/**
 * A request to a subgraph that did not come back (refused, reset, not JSON): named after the
 * subgraph; the cause's message kept (it says what happened, e.g. ECONNREFUSED).
 */
export function requestFailedError(error: unknown, serviceName: string): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  return new GraphQLError(message, { extensions: { serviceName }, ...(error instanceof Error ? { originalError: error } : {}) });
}
