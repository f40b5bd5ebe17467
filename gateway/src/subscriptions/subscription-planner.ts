import { createHash } from 'node:crypto';
import { operationFromDocument } from '@apollo/federation-internals';
import type { FetchNode } from '@apollo/query-planner';
import type { DocumentNode } from 'graphql';
import { print } from 'graphql';
import { aliasFieldsWithArguments, type PlanningDocument } from '../executor/alias-arguments.ts';
import { compilePlan, type CompiledPlan } from '../executor/compiled-plan.ts';
import type { FederatedSchema } from '../executor/federated-schema.ts';
import { LruCache } from '../cache/lru-cache.ts';

/** How one subscription operation runs: the subgraph stream it listens to, and what resolves each event. */
export interface SubscriptionPlan {
  /** The fetch that opens the upstream subscription on the subgraph owning the root field. */
  primary: FetchNode;
  /** What runs for each event after it arrived (entity fetches to the other subgraphs), compiled for the executor. */
  perEvent: CompiledPlan;
  /** Identifies the plan in caches and shared executions. */
  key: string;
  /** How the client's fields are found in the events and fetched data (see executor/alias-arguments.ts). */
  planning: Pick<PlanningDocument, 'inputKey' | 'aliased'>;
}

/** The supergraph as the subscription executor needs it; rebuilt when the gateway loads a new one. */
export interface SubscriptionSchema {
  federated: FederatedSchema;
  plan(document: DocumentNode, operationName: string | undefined): SubscriptionPlan;
}

/** Plans kept per schema; the least recently used is forgotten first. */
const DEFAULT_PLAN_CACHE_SIZE = 500;

/**
 * Plans subscriptions with Apollo's query planner (the gateway's own, built once per schema),
 * which knows subscriptions: the plan's root is a SubscriptionNode with the primary fetch and the
 * rest. Planning costs milliseconds, so plans are cached by operation text (a bounded LRU).
 */
export function createSubscriptionSchema(federated: FederatedSchema, options: { planCacheSize?: number } = {}): SubscriptionSchema {
  const cache = new LruCache<SubscriptionPlan>(options.planCacheSize ?? DEFAULT_PLAN_CACHE_SIZE);
  return {
    federated,
    plan(document, operationName) {
      const key = `${operationName ?? ''}\n${print(document)}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const planning = aliasFieldsWithArguments(document);
      const operation = operationFromDocument(federated.apiSchema, planning.document, { operationName, validate: false });
      const node = federated.planner.buildQueryPlan(operation).node;
      if (node?.kind !== 'Subscription') throw new Error('not a subscription operation');
      const perEvent = compilePlan({ kind: 'QueryPlan', ...(node.rest ? { node: node.rest } : {}) }, { mergeFetches: true });
      const plan: SubscriptionPlan = { primary: node.primary, perEvent, key: createHash('sha256').update(key).digest('base64url'), planning };
      cache.set(key, plan);
      return plan;
    },
  };
}
