import { ApolloGateway, type GatewayConfig, type SupergraphSdlHook } from '@apollo/gateway';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { GatewayContext } from '../auth/gateway-context.ts';
import { buildFederatedSchema, type FederatedSchema } from './federated-schema.ts';
import { createPlanExecutor, type PlanExecutor } from './plan-executor.ts';
import type { SubgraphTransport } from './types.ts';

export interface TributaryGatewayOptions {
  /** The supergraph, or Apollo's hook form of it (which lets the caller swap it live). */
  supergraphSdl: string | SupergraphSdlHook;
  transport: SubgraphTransport;
  planCacheSize?: number;
  mergeFetches?: boolean;
  /** Apollo's gateway logs through this (schema loading). */
  logger?: GatewayConfig['logger'];
}

export interface TributaryGateway extends GatewayInterface {
  /** The executor of the schema loaded now (undefined before the first load). */
  current(): PlanExecutor | undefined;
  /** Called with each schema loaded (after the executor for it exists). */
  onFederatedSchema(listener: (schema: FederatedSchema) => void): void;
}

/**
 * The gateway Apollo Server talks to: @apollo/gateway loads the supergraph (and reloads it),
 * while every operation runs on Tributary's own executor (plan-executor.ts), rebuilt with each
 * schema. Apollo Server only sees the GatewayInterface it expects.
 */
export function createTributaryGateway(options: TributaryGatewayOptions): TributaryGateway {
  const loader = new ApolloGateway({ supergraphSdl: options.supergraphSdl, ...(options.logger ? { logger: options.logger } : {}) });
  let executor: PlanExecutor | undefined;
  const listeners: ((schema: FederatedSchema) => void)[] = [];
  loader.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    const schema = buildFederatedSchema(coreSupergraphSdl);
    executor = createPlanExecutor({ schema, transport: options.transport, ...(options.planCacheSize ? { planCacheSize: options.planCacheSize } : {}), ...(options.mergeFetches === undefined ? {} : { mergeFetches: options.mergeFetches }) });
    for (const listener of listeners) listener(schema);
  });

  const execute: GatewayExecutor = async (requestContext) => {
    if (!executor) throw new Error('the gateway has not loaded a supergraph yet');
    return executor.execute({
      document: requestContext.document,
      operationName: requestContext.request.operationName ?? requestContext.operationName,
      variables: requestContext.request.variables,
      context: requestContext.context as GatewayContext,
      cacheKey: requestContext.queryHash,
    });
  };

  return {
    onSchemaLoadOrUpdate: (callback) => loader.onSchemaLoadOrUpdate(callback),
    async load(loadOptions) {
      await loader.load(loadOptions);
      return { executor: execute };
    },
    stop: () => loader.stop(),
    current: () => executor,
    onFederatedSchema(listener) {
      listeners.push(listener);
      if (executor) listener(executor.schema);
    },
  };
}
