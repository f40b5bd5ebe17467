import {
  executeSync,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { completeObject, ERRORED, type Walk } from './response-shape-complete.ts';
import { PlanBuilder, PlanContext } from './response-shape-plan.ts';

/**
 * The response shaper: turns the executor's merged subgraph data into the client's `data`, as the
 * GraphQL spec and @apollo/gateway's resultShaping.ts do (drop what the plan fetched for itself,
 * restore the client's field order, check leaves, propagate nulls, answer __typename and
 * introspection), without a graphql-js execution pass.
 *
 * Null and error semantics follow graphql-js's execution where resultShaping and graphql-js differ,
 * so that a subgraph-backed answer reads the same as a monolith's: a non-null error names the
 * runtime type and the field (not the alias), and the first null that reaches a nullable position
 * ends that object or list (graphql-js would not complete its remaining fields).
 */

/** Compiled once per (API schema, operation document, operationName); cached by the caller with its query plan. */
export interface ResponseShape {
  /**
   * Builds the client's `data` from the merged subgraph data. `variables` are the client's raw variables
   * (apply the operation's variable defaults yourself for @skip/@include). Appends to `errors` what it finds:
   * null in a non-null position, invalid leaf values, invalid __typename — but no non-null error for a path
   * at which (or below which) `errors` already holds an error (a subgraph error already explains that null).
   * Returns null when the null propagates to the root.
   */
  shape(input: Record<string, unknown> | null | undefined, variables: Record<string, unknown>, errors: GraphQLFormattedError[]): Record<string, unknown> | null;
}

export interface ShapeOptions {
  /**
   * Where a field's value is in the merged data, when not under its response name: the executor
   * plans some fields under an alias of its own (see alias-arguments.ts) and the answer must still
   * carry the client's names.
   */
  inputKey?: (field: FieldNode, responseName: string) => string;
}

export function compileResponseShape(apiSchema: GraphQLSchema, document: DocumentNode, operationName?: string | null, options: ShapeOptions = {}): ResponseShape {
  const operation = pickOperation(document, operationName);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const rootType = apiSchema.getRootType(operation.operation);
  if (!rootType) throw new Error(`The schema has no ${operation.operation} type`);
  const context = new PlanContext(apiSchema, fragments, options.inputKey);
  const conditions = conditionVariables(operation, fragments);
  // One plan tree per combination of @skip/@include values (a handful at most for one operation).
  const builders = new Map<string, PlanBuilder>();

  return {
    shape(input, variables, errors) {
      let key = '';
      for (const variable of conditions) key += conditionValue(variable, variables) ? '1' : '0';
      let builder = builders.get(key);
      if (!builder) {
        const values: Record<string, boolean> = {};
        for (const variable of conditions) values[variable.name] = conditionValue(variable, variables);
        builder = new PlanBuilder(context, values, rootType, operation.selectionSet);
        builders.set(key, builder);
      }
      const root = builder.root;
      // No data: every root fetch failed (Apollo returns no data either), unless the operation
      // asks nothing the subgraphs answer (only introspection or __typename).
      if (input === null || input === undefined) {
        if (root.hasDataFields) return null;
        input = {};
      }
      const introspected = root.introspection.length > 0 ? introspect(apiSchema, document, operation, root.introspection, variables, errors) : null;
      const walk: Walk = { errors, path: [], introspected };
      const data = completeObject(walk, input, root);
      return data === ERRORED ? null : data;
    },
  };
}

function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) throw new Error(operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.');
  return operation;
}

interface ConditionVariable {
  name: string;
  /** The operation's default for it, used when the client sends none. */
  fallback: unknown;
}

/** The variables that @skip/@include read in this operation and the fragments it uses. */
function conditionVariables(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): ConditionVariable[] {
  const names = new Set<string>();
  const seenFragments = new Set<string>();
  const pending: (OperationDefinitionNode | FragmentDefinitionNode)[] = [operation];
  for (let node = pending.pop(); node; node = pending.pop()) {
    visit(node, {
      Directive(directive) {
        if (directive.name.value !== 'skip' && directive.name.value !== 'include') return;
        for (const argument of directive.arguments ?? []) if (argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
      },
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !seenFragments.has(fragment.name.value)) {
          seenFragments.add(fragment.name.value);
          pending.push(fragment);
        }
      },
    });
  }
  return [...names].sort().map((name) => {
    const defaultValue = operation.variableDefinitions?.find((definition) => definition.variable.name.value === name)?.defaultValue;
    return { name, fallback: defaultValue?.kind === Kind.BOOLEAN ? defaultValue.value : undefined };
  });
}

function conditionValue(variable: ConditionVariable, variables: Record<string, unknown>): boolean {
  // An explicit value wins over the default (even null, which a validated request can only send for a nullable variable).
  const value = Object.hasOwn(variables, variable.name) ? variables[variable.name] : variable.fallback;
  return value === true;
}

/**
 * Runs the root's `__schema` / `__type` fields with graphql-js against the API schema (what
 * Apollo's gateway does too): a rare path, rebuilt per call rather than kept.
 */
function introspect(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  fieldNodes: readonly FieldNode[],
  variables: Record<string, unknown>,
  errors: GraphQLFormattedError[],
): Record<string, unknown> | null {
  const introspection: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections: fieldNodes } },
      ...document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION),
    ],
  };
  const result = executeSync({ schema, document: introspection, variableValues: variables });
  for (const error of result.errors ?? []) errors.push(error.toJSON());
  return result.data ?? null;
}
