// The executor under test over in-process subgraphs, and a way to run one operation on it with the
// answer as a client would read it (errors in their wire form).
import { parse, type GraphQLFormattedError } from 'graphql';
import { buildFederatedSchema, type FederatedSchema } from '../../../src/executor/federated-schema.ts';
import { createPlanExecutor, type PlanExecutor, type PlanExecutorOptions } from '../../../src/executor/plan-executor.ts';
import type { GatewayContext } from '../../../src/auth/gateway-context.ts';
import { inProcessFederation, type InProcessFederation, type InProcessSubgraphSpec } from './in-process-federation.ts';
import { SHOP } from './shop-subgraphs.ts';

export interface ExecutorUnderTest {
  federation: InProcessFederation;
  schema: FederatedSchema;
  executor: PlanExecutor;
}

export function executorOver(specs: InProcessSubgraphSpec[] = SHOP, options: Omit<PlanExecutorOptions, 'schema' | 'transport'> = {}): ExecutorUnderTest {
  const federation = inProcessFederation(specs);
  const schema = buildFederatedSchema(federation.supergraphSdl);
  return { federation, schema, executor: createPlanExecutor({ schema, transport: federation.transport, ...options }) };
}

export interface ClientResult {
  data?: Record<string, unknown> | null | undefined;
  errors?: GraphQLFormattedError[];
}

export async function runOperation(
  executor: PlanExecutor,
  query: string,
  options: { variables?: Record<string, unknown>; operationName?: string; cacheKey?: string; context?: GatewayContext } = {},
): Promise<ClientResult> {
  const result = await executor.execute({
    document: parse(query),
    variables: options.variables,
    operationName: options.operationName,
    context: options.context ?? {},
    ...(options.cacheKey ? { cacheKey: options.cacheKey } : {}),
  });
  return { data: result.data, ...(result.errors ? { errors: result.errors.map((error) => error.toJSON()) } : {}) };
}
