import { context, ROOT_CONTEXT, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { failSpan, linkToTraceparent, TRACE_ATTRIBUTES } from '@tributary/telemetry/tracing';
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Logger } from '@tributary/telemetry';
import type { GatewayContext } from '../auth/gateway-context.ts';
import { runAndShape, variableDefaultsOf, type PreparedOperation } from '../executor/plan-executor.ts';
import { compileResponseShape } from '../executor/response-shape.ts';
import type { SubgraphTransport } from '../executor/types.ts';
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
  /** The per-event plan and the response shape of the client's operation. */
  prepared: Pick<PreparedOperation, 'plan' | 'shape' | 'isQuery' | 'variableDefaults' | 'aliased'>;
}

export interface EventExecutor {
  prepare(input: ClientOperationInput): ClientOperation;
  /** The client's answer for one upstream event; concurrent callers with the same operation share one resolution. */
  resolve(event: UpstreamEvent, operation: ClientOperation): Promise<ExecutionResult>;
}

export interface EventExecutorDeps {
  schema: SubscriptionSchema;
  /** The gateway's transport (it signs each subgraph request for the caller). */
  transport: SubgraphTransport;
  logger: Logger;
}

/**
 * Resolves each event with the gateway's own executor (the one queries use): the event is the
 * answer of the plan's primary fetch, so the result tree starts from it, and the rest of the plan
 * (entity fetches to the other subgraphs, `@requires`, rewrites) and the response shaping run
 * exactly as they do for queries. The event is never modified (the tree copies what it extends),
 * so every listener of a shared upstream can be handed the same event object.
 *
 * Executions of the same client operation (plan, variables; the caller is the same by
 * construction of the upstream key) are done once per event and shared.
 */
export function createEventExecutor(deps: EventExecutorDeps): EventExecutor {
  const shared = new WeakMap<UpstreamEvent, Map<string, Promise<ExecutionResult>>>();

  function execute(event: UpstreamEvent, operation: ClientOperation): Promise<ExecutionResult> {
    return runAndShape({
      schema: deps.schema.federated,
      transport: deps.transport,
      operation: operation.prepared,
      variables: operation.variables,
      context: operation.context,
      initial: { data: event.data, errors: event.errors },
    });
  }

  return {
    prepare(input) {
      return {
        ...input,
        sharingKey: `${input.plan.key}|${JSON.stringify(input.variables)}`,
        prepared: {
          plan: input.plan.perEvent,
          shape: compileResponseShape(deps.schema.federated.apiGraphQLSchema, input.document, input.operationName, { inputKey: input.plan.planning.inputKey }),
          aliased: input.plan.planning.aliased,
          isQuery: false,
          variableDefaults: variableDefaultsOf(getOperationAST(input.document, input.operationName)),
        },
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

