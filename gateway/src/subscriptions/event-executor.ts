import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { context, ROOT_CONTEXT, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { failSpan, linkToTraceparent, TRACE_ATTRIBUTES } from '@tributary/telemetry/tracing';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import type { Logger } from '@tributary/telemetry';
import type { GatewayContext } from '../auth/signing-data-source.ts';
import type { UpstreamEvent } from './shared-upstreams.ts';
import type { SubscriptionPlan, SubscriptionSchema } from './subscription-planner.ts';

/** One client subscription's operation, as the client sent it. */
export interface ClientOperationInput {
  plan: SubscriptionPlan;
  document: DocumentNode;
  source: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  context: GatewayContext;
}

/** The operation with what every one of its events needs, worked out once at subscribe time. */
export interface ClientOperation extends ClientOperationInput {
  /** Executions with the same key share one resolution per event (plan and variables). */
  sharingKey: string;
  operationContext: ReturnType<typeof buildOperationContext>;
}

export interface EventExecutor {
  prepare(input: ClientOperationInput): ClientOperation;
  /** The client's answer for one upstream event; concurrent callers with the same operation share one resolution. */
  resolve(event: UpstreamEvent, operation: ClientOperation): Promise<ExecutionResult>;
}

export interface EventExecutorDeps {
  schema: SubscriptionSchema;
  /** The API schema as graphql-js sees it (what clients' operations were validated against). */
  apiGraphQLSchema: GraphQLSchema;
  /** The gateway's data sources (they sign each subgraph request for the caller). */
  dataSources: () => ServiceMap;
  logger: Logger;
}

/**
 * Resolves each event with Apollo's own plan execution: the per-event plan starts with the
 * primary fetch, answered by the event itself instead of the network, so entity fetches to
 * the other subgraphs, `@requires`, rewrites and response shaping all run exactly as they do
 * for queries (the subgraph-owned part is in the event; the rest is fetched for it).
 *
 * Listeners of a shared upstream get the same event object; executions of the same client
 * operation (plan, variables; the caller is the same by construction of the upstream key) are
 * done once per event and shared.
 */
export function createEventExecutor(deps: EventExecutorDeps): EventExecutor {
  const shared = new WeakMap<UpstreamEvent, Map<string, Promise<ExecutionResult>>>();

  async function execute(event: UpstreamEvent, operation: ClientOperation): Promise<ExecutionResult> {
    const { plan } = operation;
    const real = deps.dataSources();
    const primaryOwner = real[plan.primary.serviceName];
    // Each execution merges entity data into the tree it starts from: give it its own copy.
    const answer = { data: event.data ? structuredClone(event.data) : event.data, ...(event.errors ? { errors: event.errors } : {}) };
    const fromEvent: GraphQLDataSource = {
      process: (request) => {
        // The primary fetch is the plan's first node; a later fetch to the same subgraph (an
        // entity fetch for another part of the selection) goes to the network as usual.
        if (request.request.query === plan.primary.operation && !('representations' in (request.request.variables ?? {}))) {
          return Promise.resolve(answer as never);
        }
        if (!primaryOwner) throw new Error(`no data source for ${plan.primary.serviceName}`);
        return primaryOwner.process(request);
      },
    };
    const serviceMap: ServiceMap = { ...real, [plan.primary.serviceName]: fromEvent };
    const { operationContext } = operation;
    const requestContext = {
      request: { query: operation.source, variables: operation.variables, operationName: operation.operationName },
      context: operation.context,
      logger: deps.logger,
      metrics: {},
      document: operation.document,
      source: operation.source,
      operationName: operation.operationName ?? null,
      operation: operationContext.operation,
      schema: deps.apiGraphQLSchema,
    };
    const result = await executeQueryPlan(
      plan.perEvent,
      serviceMap,
      requestContext as never,
      operationContext,
      deps.schema.supergraphSchema,
      deps.schema.apiSchema,
    );
    return result as ExecutionResult;
  }

  return {
    prepare(input) {
      return {
        ...input,
        sharingKey: `${input.plan.key}|${JSON.stringify(input.variables)}`,
        operationContext: buildOperationContext({ schema: deps.apiGraphQLSchema, operationDocument: input.document, operationName: input.operationName }),
      };
    },
    resolve(event, operation) {
      let byOperation = shared.get(event);
      if (!byOperation) {
        byOperation = new Map();
        shared.set(event, byOperation);
      }
      const key = operation.sharingKey;
      let pending = byOperation.get(key);
      if (!pending) {
        pending = inEventSpan(event, operation, () => execute(event, operation)).catch((error: unknown) => {
          deps.logger.error({ err: error }, 'could not resolve a subscription event');
          throw error;
        });
        byOperation.set(key, pending);
      }
      return pending;
    },
  };
}

/**
 * Runs one event's resolution in a span of its own, the parent of its entity fetches (which
 * carry it to the subgraphs). A root span: the event comes off a long-lived upstream socket, not
 * out of a request; when the subgraph put a traceparent in the event's extensions, it is linked.
 * The order id, when the event is an order's, lets `npm run trace -- --order` find it.
 */
async function inEventSpan<T>(event: UpstreamEvent, operation: ClientOperation, run: () => Promise<T>): Promise<T> {
  const field = Object.keys(event.data ?? {})[0] ?? 'unknown';
  const orderId = orderIdOfEvent(field, event.data?.[field]);
  const attributes: Attributes = {
    'graphql.operation.type': 'subscription',
    'tributary.subscription.field': field,
    ...(operation.operationName ? { 'graphql.operation.name': operation.operationName } : {}),
    ...(orderId ? { [TRACE_ATTRIBUTES.orderId]: orderId } : {}),
  };
  const traceparent = event.extensions?.['traceparent'];
  const link = linkToTraceparent(typeof traceparent === 'string' ? traceparent : undefined);
  // Taken per event, not at import: a tracer taken before main() started tracing would stay a no-op.
  const span = trace.getTracer('@tributary/gateway').startSpan(`subscription event ${field}`, { kind: SpanKind.INTERNAL, attributes, ...(link ? { links: [link] } : {}) }, ROOT_CONTEXT);
  try {
    return await context.with(trace.setSpan(ROOT_CONTEXT, span), run);
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** orderChanged sends the order itself; other events name their order by orderId. */
function orderIdOfEvent(field: string, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, orderId } = value as { id?: unknown; orderId?: unknown };
  if (typeof orderId === 'string') return orderId;
  return field === 'orderChanged' && typeof id === 'string' ? id : undefined;
}
