import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { mergeFetches, type MergedFetch } from './merge-fetches.ts';
import type { PlanPath } from './response-path.ts';

/**
 * A query plan as this executor runs it, worked out once when the plan is cached: Flatten nodes
 * folded into the fetches they wrap (a fetch knows the path it merges at), and the fetches of a
 * Parallel node that go to the same subgraph merged into one request (see merge-fetches.ts).
 */
export type StepNode =
  | { kind: 'Sequence'; nodes: StepNode[] }
  | { kind: 'Parallel'; nodes: StepNode[] }
  | { kind: 'Fetch'; fetch: FetchNode; path: PlanPath }
  | { kind: 'MergedFetch'; merged: MergedFetch }
  | { kind: 'Flatten'; path: PlanPath; node: StepNode }
  | { kind: 'Condition'; variable: string; ifClause: StepNode | undefined; elseClause: StepNode | undefined };

export interface CompiledPlan {
  root: StepNode | undefined;
  /** Subgraph requests one execution sends at most (for metrics and the bench's calls per query). */
  requestCount: number;
}

export class UnsupportedPlanError extends Error {}

export function compilePlan(plan: QueryPlan, options: { mergeFetches: boolean }): CompiledPlan {
  const node = plan.node;
  if (node?.kind === 'Subscription') throw new UnsupportedPlanError('a subscription plan is run by the subscription executor, not as a query');
  const root = node ? compileNode(node, options) : undefined;
  return { root, requestCount: root ? countRequests(root) : 0 };
}

function compileNode(node: PlanNode, options: { mergeFetches: boolean }): StepNode {
  switch (node.kind) {
    case 'Fetch':
      return { kind: 'Fetch', fetch: node, path: [] };
    case 'Flatten':
      // Flatten(Fetch) is the usual shape: the fetch itself carries the path.
      return node.node.kind === 'Fetch' ? { kind: 'Fetch', fetch: node.node, path: node.path } : { kind: 'Flatten', path: node.path, node: compileNode(node.node, options) };
    case 'Sequence':
      return { kind: 'Sequence', nodes: node.nodes.map((child) => compileNode(child, options)) };
    case 'Parallel': {
      const nodes = node.nodes.map((child) => compileNode(child, options));
      return { kind: 'Parallel', nodes: options.mergeFetches ? mergeParallelFetches(nodes) : nodes };
    }
    case 'Condition':
      return {
        kind: 'Condition',
        variable: node.condition,
        ifClause: node.ifClause ? compileNode(node.ifClause, options) : undefined,
        elseClause: node.elseClause ? compileNode(node.elseClause, options) : undefined,
      };
    case 'Defer':
      throw new UnsupportedPlanError('@defer is not supported by this gateway');
  }
}

/** Fetches of one Parallel node to the same subgraph become one request; the others stay as they are. */
function mergeParallelFetches(nodes: StepNode[]): StepNode[] {
  const bySubgraph = new Map<string, Extract<StepNode, { kind: 'Fetch' }>[]>();
  for (const node of nodes) {
    if (node.kind !== 'Fetch' || !mergeFetches.canTakePart(node.fetch)) continue;
    const group = bySubgraph.get(node.fetch.serviceName) ?? [];
    group.push(node);
    bySubgraph.set(node.fetch.serviceName, group);
  }
  const mergedInto = new Map<StepNode, StepNode | null>();
  for (const group of bySubgraph.values()) {
    if (group.length < 2) continue;
    const merged: StepNode = { kind: 'MergedFetch', merged: mergeFetches(group.map(({ fetch, path }) => ({ fetch, path }))) };
    // The merged request takes the place of the group's first fetch; the others disappear.
    group.forEach((node, i) => mergedInto.set(node, i === 0 ? merged : null));
  }
  const result: StepNode[] = [];
  for (const node of nodes) {
    const replacement = mergedInto.get(node);
    if (replacement === undefined) result.push(node);
    else if (replacement) result.push(replacement);
  }
  return result;
}

function countRequests(node: StepNode): number {
  switch (node.kind) {
    case 'Fetch':
    case 'MergedFetch':
      return 1;
    case 'Flatten':
      return countRequests(node.node);
    case 'Sequence':
    case 'Parallel':
      return node.nodes.reduce((sum, child) => sum + countRequests(child), 0);
    case 'Condition':
      return Math.max(node.ifClause ? countRequests(node.ifClause) : 0, node.elseClause ? countRequests(node.elseClause) : 0);
  }
}
