import { Kind, type FieldNode, type GraphQLError, type GraphQLField, type GraphQLNamedType, type GraphQLType, type SelectionSetNode, type ValueNode } from 'graphql';
import { fragmentMeasure, type LimitInput } from './fragments.ts';
import { operationLimitError } from './limit-error.ts';

export interface CostOptions {
  maxCost: number;
  /** The size assumed for a list whose field takes no `first`/`last` (or was given none). */
  defaultListSize: number;
  /** The request's variables, so `orders(first: $n)` costs what $n asks for. */
  variables?: Readonly<Record<string, unknown>> | undefined;
}

// The schema is read by shape, not with graphql-js's isObjectType/isListType: those check the
// class, and the API schema may come from another copy of graphql-js (the gateway's CommonJS
// one while this module is loaded as ESM, as under vitest), which they reject.
interface Fielded {
  getFields(): Record<string, GraphQLField<unknown, unknown>>;
}
const hasFields = (type: unknown): type is Fielded => typeof (type as Partial<Fielded> | undefined)?.getFields === 'function';
const namedType = (type: GraphQLType): GraphQLNamedType => ('ofType' in type ? namedType(type.ofType) : type);
const isList = (type: GraphQLType): boolean => String(type).replace(/!$/, '').startsWith('[');

/**
 * An estimate of the work an operation asks for: every field costs 1, and everything below a
 * list field is multiplied by the list's size, the `first` (or `last`) it asks for, else
 * `defaultListSize`. A connection's `edges`/`nodes` list is already sized by the connection
 * field's `first`, so a list on a `…Connection` type multiplies by 1. Introspection and
 * `__typename` are free (answered by the gateway itself, without a subgraph fetch).
 *
 * `a1: orders(first: 100) { … } … a10000: …` costs 10,000 × (1 + 100 × the node's cost).
 */
export function operationCost(input: LimitInput, options: CostOptions): number {
  const { schema } = input;
  const typeNamed = (name: string) => schema.getType(name) ?? undefined;
  const fragmentCost = fragmentMeasure(input.fragments, (fragment) => cost(fragment.selectionSet, typeNamed(fragment.typeCondition.name.value)), 0);

  function cost(set: SelectionSetNode, parent: GraphQLNamedType | undefined): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += fieldCost(selection, parent);
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += cost(selection.selectionSet, selection.typeCondition ? typeNamed(selection.typeCondition.name.value) : parent);
      else total += fragmentCost(selection.name.value);
    }
    return total;
  }

  function fieldCost(field: FieldNode, parent: GraphQLNamedType | undefined): number {
    if (field.name.value.startsWith('__')) return 0;
    const def = hasFields(parent) ? parent.getFields()[field.name.value] : undefined;
    if (!field.selectionSet) return 1;
    // An unknown field is refused by the specified rules later; until then it multiplies by 1.
    if (!def) return 1 + cost(field.selectionSet, undefined);
    return 1 + listSize(field, def, parent) * cost(field.selectionSet, namedType(def.type));
  }

  function listSize(field: FieldNode, def: GraphQLField<unknown, unknown>, parent: GraphQLNamedType | undefined): number {
    const pageArg = def.args.find((arg) => arg.name === 'first') ?? def.args.find((arg) => arg.name === 'last');
    if (pageArg) {
      const node = field.arguments?.find((arg) => arg.name.value === pageArg.name);
      const asked = node ? intValue(node.value) : undefined;
      const size = asked ?? (typeof pageArg.defaultValue === 'number' ? pageArg.defaultValue : options.defaultListSize);
      return Math.max(0, size);
    }
    if (!isList(def.type)) return 1;
    return parent?.name.endsWith('Connection') ? 1 : options.defaultListSize;
  }

  /** A literal or a variable's integer; anything else (null, absent, not a number) is undefined. */
  function intValue(value: ValueNode): number | undefined {
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind !== Kind.VARIABLE) return undefined;
    const given = options.variables?.[value.name.value];
    return typeof given === 'number' && Number.isFinite(given) ? given : undefined;
  }

  const root = schema.getRootType(input.operation.operation) ?? undefined;
  return cost(input.operation.selectionSet, root);
}

export function checkCost(input: LimitInput, options: CostOptions): GraphQLError | undefined {
  const actual = operationCost(input, options);
  if (actual <= options.maxCost) return undefined;
  return operationLimitError('cost', options.maxCost, Number.isFinite(actual) ? Math.round(actual) : undefined, input.operation);
}
