import { createHash } from 'node:crypto';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { print } from 'graphql';

/** How one subscription operation runs: the subgraph stream it listens to, and what resolves each event. */
export interface SubscriptionPlan {
  /** The fetch that opens the upstream subscription on the subgraph owning the root field. */
  primary: FetchNode;
  /** Entity fetches to other subgraphs for each event (absent when the owner answers everything). */
  rest?: PlanNode;
  /** The plan executed per event: the primary (answered by the event itself), then `rest`. */
  perEvent: QueryPlan;
  /** Identifies the plan in caches and shared executions. */
  key: string;
}

/** The supergraph as the subscription executor needs it; rebuilt when the gateway loads a new one. */
export interface SubscriptionSchema {
  supergraphSchema: GraphQLSchema;
  apiSchema: Schema;
  plan(document: DocumentNode, operationName: string | undefined): SubscriptionPlan;
}

/** Plans kept per schema; the oldest is forgotten first. */
const DEFAULT_PLAN_CACHE_SIZE = 500;

/**
 * Plans subscriptions with Apollo's query planner, which (unlike @apollo/gateway's executor)
 * knows subscriptions: the plan's root is a SubscriptionNode with the primary fetch and the rest.
 * Planning costs milliseconds, so plans are cached by operation text (a bounded LRU).
 */
export function createSubscriptionSchema(supergraphSdl: string, options: { planCacheSize?: number } = {}): SubscriptionSchema {
  const supergraph = Supergraph.build(supergraphSdl);
  const apiSchema = supergraph.apiSchema();
  const planner = new QueryPlanner(supergraph);
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const cache = new Map<string, SubscriptionPlan>();
  const limit = options.planCacheSize ?? DEFAULT_PLAN_CACHE_SIZE;

  return {
    supergraphSchema,
    apiSchema,
    plan(document, operationName) {
      const key = `${operationName ?? ''}\n${print(document)}`;
      const cached = cache.get(key);
      if (cached) {
        // Refresh its place: a Map iterates in insertion order, so the first key is the least recently used.
        cache.delete(key);
        cache.set(key, cached);
        return cached;
      }
      const operation = operationFromDocument(apiSchema, document, { operationName, validate: false });
      const queryPlan = planner.buildQueryPlan(operation);
      const node = queryPlan.node;
      if (node?.kind !== 'Subscription') throw new Error('not a subscription operation');
      const perEvent: QueryPlan = {
        kind: 'QueryPlan',
        node: node.rest ? { kind: 'Sequence', nodes: [node.primary, node.rest] } : node.primary,
      };
      const plan: SubscriptionPlan = { primary: node.primary, ...(node.rest ? { rest: node.rest } : {}), perEvent, key: createHash('sha256').update(key).digest('base64url') };
      cache.set(key, plan);
      if (cache.size > limit) cache.delete(cache.keys().next().value as string);
      return plan;
    },
  };
}
