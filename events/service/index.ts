// The service kit: what every subgraph service is built with, written once.
export { ConfigError, loadServiceConfig, logLevelSchema, serviceEnvSchema, type ServiceConfig } from './config.ts';
export { buildContext, canSee, requestMetadata, requireActor, requireAdmin, type ServiceContext } from './context.ts';
export { createErrorFormatter } from './errors.ts';
export { DEFAULT_SUBGRAPH_LIMITS, subgraphLimitsRule, type SubgraphLimits } from './limits.ts';
export { checkPageSize, decodeCursor, encodeCursor, findPage, PAGE_SIZE, type Page, type PageArgs } from './pagination.ts';
export {
  applyToReadModel,
  ProjectionGapError,
  viewOf,
  type ProjectionOutcome,
  type SingleStreamProjection,
  type StreamView,
} from './projection.ts';
export { runService, type ProcessResources } from './run.ts';
export * from './subscriptions/index.ts';
export {
  createService,
  type BackgroundWorker,
  type ConsumerDefinition,
  type Service,
  type ServiceDeps,
  type ServiceModule,
  type ServiceRuntime,
} from './service.ts';
