// Two gateways' answers to one operation, reduced to what must be equal: the data (as a client
// receives it, through JSON) and the errors as a multiset of { message, path, code }.
import type { GraphQLFormattedError } from 'graphql';
import type { FederationResult } from '../support/federation.ts';

export interface ComparableAnswer {
  /** The JSON of `data`, or the marker ABSENT when the answer has none (a request error). */
  data: unknown;
  /** One line per error, sorted: the order errors come in is not part of the contract. */
  errors: string[];
}

export const ABSENT = '<no data>';

/**
 * Apollo Gateway reports errors from its post-processing (null propagation after the subgraph
 * fetches) under `extensions.valueCompletion` when the answer has no other error; they are errors
 * all the same, so they count wherever they are reported.
 */
function allErrors(result: FederationResult): readonly GraphQLFormattedError[] {
  const valueCompletion = result.extensions?.['valueCompletion'];
  return [...(result.errors ?? []), ...(Array.isArray(valueCompletion) ? (valueCompletion as GraphQLFormattedError[]) : [])];
}

/** Ports differ between the two runs (each has its own subgraph servers); nothing else may. */
const withoutPorts = (message: string) => message.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');

/**
 * For an entity fetch's error that names no entity, Apollo Gateway appends the subgraph's path to
 * its plan path, list marker included (`["products", "@", "_entities"]`, `["bad", "_entities"]`);
 * neither `@` nor `_entities` is in the client's response, so Tributary reports the path up to
 * the first list (`["products"]`, `["bad"]`). Compared as Tributary reports it.
 */
const withoutPlanMarkers = (path: readonly (string | number)[] | undefined) => {
  if (!path) return null;
  const marker = path.findIndex((segment) => segment === '@' || segment === '_entities');
  return marker < 0 ? path : path.slice(0, marker);
};

export function comparable(result: FederationResult): ComparableAnswer {
  const errors = allErrors(result).map((error) =>
    JSON.stringify({ message: withoutPorts(error.message), path: withoutPlanMarkers(error.path), code: error.extensions?.['code'] ?? null }),
  );
  return { data: 'data' in result ? (JSON.parse(JSON.stringify(result.data)) as unknown) : ABSENT, errors: errors.sort() };
}
