import type { DocumentNode, GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../auth/gateway-context.ts';

/** One GraphQL request to one subgraph, as the executor builds it from a plan's fetch. */
export interface SubgraphRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string | undefined;
}

/** A subgraph's answer, parsed. The executor never mutates it (a shared flight hands it to several requests). */
export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

export interface SubgraphSendOptions {
  /** The caller whose identity the request carries. */
  context: GatewayContext;
  /** Whether an identical request in flight may answer this one (a query's fetch; never a mutation's). */
  shareable: boolean;
}

/** Sends one request to a subgraph; how (signing, replicas, pools, sharing) is the transport's business. */
export type SubgraphTransport = (subgraph: string, request: SubgraphRequest, options: SubgraphSendOptions) => Promise<SubgraphResponse>;

/** One client operation, already parsed and validated against the API schema. */
export interface OperationInput {
  document: DocumentNode;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
  context: GatewayContext;
}

/** What the client gets: `errors` as they go on the wire (message, path, extensions). */
export interface OperationResult {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
}
