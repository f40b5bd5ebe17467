import { createHash } from 'node:crypto';
import { operationFromDocument } from '@apollo/federation-internals';
import { getOperationAST, getVariableValues, GraphQLError, Kind, valueFromASTUntyped, type DocumentNode, type ExecutionResult, type GraphQLFormattedError, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';
import { print } from 'graphql';
import { aliasFieldsWithArguments, clientPathSegment } from './alias-arguments.ts';
import { compilePlan, type CompiledPlan } from './compiled-plan.ts';
import type { ExecutionState } from './fetch-step.ts';
import type { FederatedSchema } from './federated-schema.ts';
import { LruCache } from '../cache/lru-cache.ts';
import { compileResponseShape, type ResponseShape } from './response-shape.ts';
import { ResultTree } from './result-tree.ts';
import { runPlan } from './run-plan.ts';
import { inSpan } from './spans.ts';
import type { OperationInput, SubgraphTransport } from './types.ts';

/** Plans kept per schema by default; each is a few kilobytes. */
export const DEFAULT_PLAN_CACHE_SIZE = 1000;

export interface PlanExecutorOptions {
  schema: FederatedSchema;
  transport: SubgraphTransport;
  planCacheSize?: number;
  /** Merge the fetches of a Parallel node that go to the same subgraph (default true). */
  mergeFetches?: boolean;
}

/** What one operation needs on every execution, worked out the first time it is seen. */
export interface PreparedOperation {
  plan: CompiledPlan;
  /** Whether the plan asks some fields under planning aliases (see alias-arguments.ts). */
  aliased: boolean;
  shape: ResponseShape;
  isQuery: boolean;
  variableDefinitions: readonly VariableDefinitionNode[];
  variableDefaults: Record<string, unknown>;
}

export interface PlanExecutor {
  schema: FederatedSchema;
  /**
   * Plans (or takes the cached plan), runs it against the subgraphs and shapes the answer.
   * `cacheKey` identifies the operation text (Apollo Server's queryHash); without it the printed
   * document is hashed.
   */
  execute(input: OperationInput & { cacheKey?: string }): Promise<ExecutionResult>;
  /** Plans in the cache now (for tests and metrics). */
  cachedPlans(): number;
}

export function createPlanExecutor(options: PlanExecutorOptions): PlanExecutor {
  const { schema, transport } = options;
  const cache = new LruCache<PreparedOperation>(options.planCacheSize ?? DEFAULT_PLAN_CACHE_SIZE);
  const mergeFetches = options.mergeFetches ?? true;

  function prepare(document: DocumentNode, operationName: string | null | undefined): PreparedOperation {
    const operation = getOperationAST(document, operationName);
    if (!operation) throw new GraphQLError(operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.');
    const planning = aliasFieldsWithArguments(document);
    const apolloOperation = operationFromDocument(schema.apiSchema, planning.document, { operationName: operationName ?? undefined, validate: false });
    const queryPlan = schema.planner.buildQueryPlan(apolloOperation);
    if (!queryPlan.node && asksSubgraphs(operation)) {
      // Apollo's planner answers an operation it cannot satisfy (a field reachable only through a
      // non-resolvable key) with an empty plan; running it would answer nulls without a word.
      throw new GraphQLError('The gateway cannot plan this operation: some of its fields cannot be reached from the subgraphs that own them.', { extensions: { code: 'QUERY_PLANNING_FAILED' } });
    }
    const plan = compilePlan(queryPlan, { mergeFetches });
    const variableDefaults = variableDefaultsOf(operation);
    return { plan, aliased: planning.aliased, shape: compileResponseShape(schema.apiGraphQLSchema, document, operationName, { inputKey: planning.inputKey }), isQuery: operation.operation === 'query', variableDefinitions: operation.variableDefinitions ?? [], variableDefaults };
  }

  function prepared(input: OperationInput & { cacheKey?: string }): PreparedOperation {
    const key = `${input.cacheKey ?? createHash('sha256').update(print(input.document)).digest('hex')}\n${input.operationName ?? ''}`;
    let entry = cache.get(key);
    if (!entry) {
      entry = inSpan('gateway.plan', {}, () => prepare(input.document, input.operationName));
      cache.set(key, entry);
    }
    return entry;
  }

  return {
    schema,
    cachedPlans: () => cache.size,
    execute(input) {
      return inSpan('gateway.request', input.operationName ? { 'graphql.operation.name': input.operationName } : {}, () => execute(input));
    },
  };

  async function execute(input: OperationInput & { cacheKey?: string }): Promise<ExecutionResult> {
    const variables = input.variables ?? {};
    let operation: PreparedOperation;
    try {
      operation = prepared(input);
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError(error instanceof Error ? error.message : String(error))] };
    }
    const definitions = operation.variableDefinitions;
    if (definitions.length > 0) {
      const coerced = getVariableValues(schema.apiGraphQLSchema, definitions, variables);
      if (coerced.errors) return { errors: coerced.errors };
    }
    return inSpan('gateway.execute', {}, () => runAndShape({ schema, transport, operation, variables, context: input.context }));
  }
}

/**
 * Runs a prepared operation's plan and shapes the answer. `initial` is data (and errors) the
 * tree starts from: a subscription event is the answer of its plan's first fetch.
 */
export async function runAndShape(args: {
  schema: FederatedSchema;
  transport: SubgraphTransport;
  operation: Pick<PreparedOperation, 'plan' | 'shape' | 'isQuery' | 'variableDefaults' | 'aliased'>;
  variables: Record<string, unknown>;
  context: OperationInput['context'];
  initial?: { data?: Record<string, unknown> | null | undefined; errors?: readonly GraphQLFormattedError[] | undefined };
}): Promise<ExecutionResult> {
  const { operation, variables } = args;
  const state: ExecutionState = { tree: new ResultTree(), types: args.schema.types, variables, errors: [], aliased: operation.aliased };
  if (args.initial) {
    state.tree.merge(state.tree.root, args.initial.data);
    for (const error of args.initial.errors ?? []) {
      state.errors.push(asGraphQLError(operation.aliased && error.path ? { ...error, path: error.path.map(clientPathSegment) } : error));
    }
  }
  await runPlan(operation.plan, state, {
    operationIsQuery: operation.isQuery,
    send: (serviceName, request, shareable) => inSpan('gateway.fetch', { service: serviceName }, () => args.transport(serviceName, request, { context: args.context, shareable })),
    condition: (variable) => conditionValue(variable, variables, operation.variableDefaults),
  });
  // Nulls the shaping finds (a non-null field left null) are reported only when the execution
  // itself went without errors: a failed fetch already explains every null it left behind, and one
  // cause should be one error (Apollo's gateway and router judge the same way).
  const shapingErrors: GraphQLFormattedError[] = [];
  const data = operation.shape.shape(state.tree.root, { ...operation.variableDefaults, ...variables }, state.errors.length > 0 ? [...state.errors] : shapingErrors);
  const errors = state.errors.length > 0 ? state.errors : shapingErrors.map(asGraphQLError);
  return errors.length > 0 ? { data, errors } : { data };
}

function asGraphQLError(error: GraphQLFormattedError | GraphQLError): GraphQLError {
  if (error instanceof GraphQLError) return error;
  return new GraphQLError(error.message, { ...(error.path ? { path: error.path } : {}), ...(error.extensions ? { extensions: error.extensions } : {}) });
}

/** The operation's variable defaults (for @skip/@include and Condition nodes when the client sent no value). */
export function variableDefaultsOf(operation: OperationDefinitionNode | null | undefined): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const definition of operation?.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  return defaults;
}

/** Whether an operation selects anything besides __typename and introspection at its root. */
function asksSubgraphs(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD || !selection.name.value.startsWith('__'));
}

function conditionValue(variable: string, variables: Record<string, unknown>, defaults: Record<string, unknown>): boolean {
  const value = Object.hasOwn(variables, variable) && variables[variable] !== undefined ? variables[variable] : defaults[variable];
  if (typeof value !== 'boolean') throw new GraphQLError(`Variable "$${variable}" of @skip/@include must be a Boolean, got ${JSON.stringify(value)}`);
  return value;
}
