import { GraphQLError, Kind, type FieldNode, type GraphQLField, type GraphQLNamedType, type GraphQLType, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { PAGE_SIZE } from './pagination.ts';

/**
 * Defence in depth: the gateway refuses deep or costly operations before planning, and each
 * subgraph refuses them again, so a gateway misconfiguration (or a bug in its limits) does not
 * put a subgraph at the mercy of one request. Looser than the gateway's defaults (12 levels,
 * cost 5,000): the gateway's own entity fetches (`_entities { ... on Order { … } }`) must pass.
 */
export interface SubgraphLimits {
  maxDepth: number;
  maxCost: number;
  /** The size assumed for a list whose field takes no `first`. */
  defaultListSize: number;
}

export const DEFAULT_SUBGRAPH_LIMITS: SubgraphLimits = { maxDepth: 16, maxCost: 20_000, defaultListSize: 20 };

// The schema is read by shape, not with graphql-js's isObjectType/isListType: those check the
// class, and the schema may come from another copy of graphql-js (CommonJS for Apollo, ESM for
// this module under vitest), which they reject.
interface Fielded {
  getFields(): Record<string, GraphQLField<unknown, unknown>>;
}
const hasFields = (type: unknown): type is Fielded => typeof (type as Partial<Fielded> | undefined)?.getFields === 'function';
const namedType = (type: GraphQLType): GraphQLNamedType => ('ofType' in type ? namedType(type.ofType) : type);
const isList = (type: GraphQLType): boolean => String(type).replace(/!$/, '').startsWith('[');

function limitError(limit: 'depth' | 'cost', max: number, actual: number): GraphQLError {
  // Apollo answers validation errors with code GRAPHQL_VALIDATION_FAILED; `limit` says which.
  return new GraphQLError(`operation refused: ${Math.round(actual)} ${limit === 'depth' ? 'levels of nesting' : 'cost units'}, more than the ${max} allowed`, {
    extensions: { limit, max },
  });
}

interface Measure {
  depth: number;
  cost: number;
}

/**
 * Depth (nested fields) and cost (every field 1, everything under a list multiplied by its
 * `first`, else `defaultListSize`) of one selection set, fragments measured once each (a cycle,
 * refused by NoFragmentCycles, measures 0 here). Validation rules see no variables: a `first`
 * given as a variable counts as the largest page the kit serves (PAGE_SIZE.max). `_entities`
 * counts once per entity type: its size is the gateway's batch, already bounded by the gateway's
 * cost limit, and only the gateway can call a subgraph.
 */
function measure(context: ValidationContext, set: SelectionSetNode, parent: GraphQLNamedType | undefined, limits: SubgraphLimits, memo: Map<string, Measure>, stack = new Set<string>()): Measure {
  const result: Measure = { depth: 0, cost: 0 };
  const schema = context.getSchema();
  for (const selection of set.selections) {
    let inner: Measure;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      inner = field(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? undefined) : parent;
      inner = measure(context, selection.selectionSet, type, limits, memo, stack);
    } else {
      // Each fragment is measured once (a chain of fragments spreading the next one twice would
      // otherwise take exponential time); one met again while being measured is a cycle.
      const fragment = context.getFragment(selection.name.value);
      const known = memo.get(selection.name.value);
      if (known) inner = known;
      else if (!fragment || stack.has(fragment.name.value)) continue;
      else {
        stack.add(fragment.name.value);
        inner = measure(context, fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, limits, memo, stack);
        stack.delete(fragment.name.value);
        memo.set(fragment.name.value, inner);
      }
    }
    result.depth = Math.max(result.depth, inner.depth);
    result.cost += inner.cost;
  }
  return result;

  function field(node: FieldNode): Measure {
    const def = hasFields(parent) ? parent.getFields()[node.name.value] : undefined;
    if (!node.selectionSet) return { depth: 1, cost: 1 };
    const child = measure(context, node.selectionSet, def ? namedType(def.type) : undefined, limits, memo, stack);
    return { depth: 1 + child.depth, cost: 1 + listSize(node, def?.type) * child.cost };
  }

  function listSize(node: FieldNode, type: GraphQLType | undefined): number {
    const first = node.arguments?.find((arg) => arg.name.value === 'first');
    if (first?.value.kind === Kind.INT) return Math.max(0, Number(first.value.value));
    if (first?.value.kind === Kind.VARIABLE) return PAGE_SIZE.max;
    if (first) return limits.defaultListSize;
    if (node.name.value === '_entities' || !type || !isList(type)) return 1;
    return parent?.name.endsWith('Connection') ? 1 : limits.defaultListSize;
  }
}

/** The kit's validation rule: refuses an operation deeper or costlier than the limits. */
export function subgraphLimitsRule(limits: SubgraphLimits = DEFAULT_SUBGRAPH_LIMITS): ValidationRule {
  return (context) => ({
    OperationDefinition(node) {
      const root = context.getSchema().getRootType(node.operation) ?? undefined;
      const { depth, cost } = measure(context, node.selectionSet, root, limits, new Map());
      if (depth > limits.maxDepth) context.reportError(limitError('depth', limits.maxDepth, depth));
      else if (cost > limits.maxCost) context.reportError(limitError('cost', limits.maxCost, cost));
    },
  });
}
