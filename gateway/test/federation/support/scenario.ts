// What a federation scenario is made of: subgraphs (SDL + resolvers over in-memory data) and the
// operations whose answers the public federation gateway audit fixes. Scenario folders only fill
// these shapes; the harness (federation.ts) runs them and the contract (contract.ts) checks them.
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';

export interface SubgraphSpec {
  /** The subgraph's name in the supergraph (join__graph). */
  name: string;
  /** Federation 2 SDL. */
  sdl: string;
  resolvers: GraphQLResolverMap;
}

export interface Scenario {
  name: string;
  subgraphs: SubgraphSpec[];
}

/**
 * One operation and the answer the audit expects. As in the audit, `data` is compared deep-equal
 * (a missing `data` counts as null) and `errors`, when it is a boolean, says whether the answer must
 * carry at least one error; when it is absent, errors are not looked at.
 */
export interface AuditCase {
  title: string;
  query: string;
  variables?: Record<string, unknown>;
  expected: { data: unknown; errors?: boolean };
}

/** Representations arrive as plain JSON objects; resolvers read them through this. */
export type Representation = Record<string, unknown>;
