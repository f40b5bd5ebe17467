// Query plans of the executor's own planner for a test's operation, planned as the executor plans
// them (fields with arguments under their planning aliases, see alias-arguments.ts).
import { operationFromDocument } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan, QueryPlanner, QueryPlanSelectionNode, SubscriptionNode } from '@apollo/query-planner';
import { parse } from 'graphql';
import { aliasFieldsWithArguments } from '../../../src/executor/alias-arguments.ts';
import type { FederatedSchema } from '../../../src/executor/federated-schema.ts';

export function planFor(schema: FederatedSchema, query: string, planner: QueryPlanner = schema.planner): QueryPlan {
  const document = aliasFieldsWithArguments(parse(query)).document;
  return planner.buildQueryPlan(operationFromDocument(schema.apiSchema, document));
}

/** Every fetch of a plan, in plan order. */
export function fetchesOf(node: PlanNode | SubscriptionNode | undefined): FetchNode[] {
  if (!node) return [];
  switch (node.kind) {
    case 'Fetch':
      return [node];
    case 'Flatten':
      return fetchesOf(node.node);
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap(fetchesOf);
    case 'Condition':
      return [...fetchesOf(node.ifClause), ...fetchesOf(node.elseClause)];
    default:
      throw new Error(`no test plan has a ${node.kind} node`);
  }
}

/** A fetch's `requires` as one line of GraphQL, e.g. `... on A { __typename id }`. */
export function requiresText(fetch: FetchNode): string {
  return selectionsText(fetch.requires ?? []);
}

function selectionsText(selections: readonly QueryPlanSelectionNode[]): string {
  return selections
    .map((s) => {
      const inner = s.selections ? ` { ${selectionsText(s.selections)} }` : '';
      return s.kind === 'Field' ? `${s.alias ? `${s.alias}: ` : ''}${s.name}${inner}` : `...${s.typeCondition ? ` on ${s.typeCondition}` : ''}${inner}`;
    })
    .join(' ');
}
