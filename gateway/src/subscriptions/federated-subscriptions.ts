import { Kind, OperationTypeNode, type DocumentNode, type ExecutionResult, type FieldNode, type ValueNode } from 'graphql';
import { parse } from 'graphql';
import type { Logger } from '@tributary/telemetry';
import type { GatewayContext } from '../auth/gateway-context.ts';
import { ClientStream } from './client-stream.ts';
import { codedErrorResult, errorResult } from './error-results.ts';
import type { EventExecutor } from './event-executor.ts';
import type { SharedUpstreams } from './shared-upstreams.ts';
import type { SubscriptionMetrics } from './subscription-metrics.ts';
import type { SubscriptionSchema } from './subscription-planner.ts';

/** One client subscription as the WebSocket server hands it over (already parsed, validated and limited). */
export interface SubscribeArgs {
  document: DocumentNode;
  source: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  context: GatewayContext;
}

export interface FederatedSubscriptions {
  subscribe(args: SubscribeArgs): AsyncGenerator<ExecutionResult> | ExecutionResult;
  /** Ends every open subscription with an error naming `code` (shutdown, schema reload). */
  endAll(code: string, message: string): void;
  readonly active: number;
}

export interface FederatedSubscriptionsDeps {
  /** The current schema (it changes when the gateway loads a new supergraph). */
  current(): { schema: SubscriptionSchema; executor: EventExecutor };
  upstreams: SharedUpstreams;
  metrics: SubscriptionMetrics;
  logger: Logger;
  maxQueue: number;
}

/**
 * A root-field argument that makes a subscription start with the current state: such a stream
 * begins with a snapshot for its own subscriber, so it is never shared with one already running.
 */
const SNAPSHOT_ARGUMENT = 'includeCurrent';

/**
 * Executes subscriptions through the federation: the planner's primary fetch becomes a (shared)
 * upstream subscription on the owning subgraph, and each of its events is resolved through the
 * rest of the plan, then queued for the client.
 */
export function createFederatedSubscriptions(deps: FederatedSubscriptionsDeps): FederatedSubscriptions {
  const open = new Set<ClientStream>();
  // Parsed once per primary operation text (plans are cached, so these are few).
  const snapshotArguments = new Map<string, ValueNode[]>();

  return {
    subscribe(args) {
      const { schema, executor } = deps.current();
      let plan;
      try {
        plan = schema.plan(args.document, args.operationName);
      } catch (error) {
        deps.logger.warn({ err: error }, 'could not plan a subscription');
        return codedErrorResult(`could not plan this subscription: ${(error as Error).message}`, 'GRAPHQL_VALIDATION_FAILED');
      }
      const { primary } = plan;
      const variables: Record<string, unknown> = {};
      for (const name of primary.variableUsages ?? []) if (args.variables[name] !== undefined) variables[name] = args.variables[name];
      const request = { subgraph: primary.serviceName, query: primary.operation, ...(primary.operationName ? { operationName: primary.operationName } : {}), variables, actor: args.context.actor };
      // Per-operation work (operation context, sharing key) done here once, not on every event of every listener.
      const operation = executor.prepare({ plan, document: args.document, source: args.source, operationName: args.operationName, variables: args.variables, context: args.context });

      // Filled in once joined; the stream may close (client left) before or after that.
      const upstream: { leave?: () => void } = {};
      const stream = new ClientStream({
        maxQueue: deps.maxQueue,
        onDropped: (count) => deps.metrics.eventsDropped.inc(count),
        onClose: () => {
          open.delete(stream);
          deps.metrics.clientSubscriptions.dec();
          upstream.leave?.();
        },
      });
      open.add(stream);
      deps.metrics.clientSubscriptions.inc();
      upstream.leave = deps.upstreams.join(request, !asksForSnapshot(primary.operation, variables, snapshotArguments), {
        next: (event) => {
          deps.metrics.eventsDelivered.inc();
          stream.push(executor.resolve(event, operation));
        },
        end: (errors) => stream.end(errors ? errorResult(errors) : undefined),
      });
      return stream;
    },
    endAll(code, message) {
      for (const stream of [...open]) stream.end(codedErrorResult(message, code));
    },
    get active() {
      return open.size;
    },
  };
}

/** Whether the primary operation's root field is called with includeCurrent: true (literal or variable). */
function asksForSnapshot(primaryOperation: string, variables: Record<string, unknown>, cache: Map<string, ValueNode[]>): boolean {
  let values = cache.get(primaryOperation);
  if (!values) {
    values = [];
    for (const definition of parse(primaryOperation).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== OperationTypeNode.SUBSCRIPTION) continue;
      for (const selection of definition.selectionSet.selections) {
        const argument = (selection as FieldNode).arguments?.find((arg) => arg.name.value === SNAPSHOT_ARGUMENT);
        if (argument) values.push(argument.value);
      }
    }
    if (cache.size > 1_000) cache.clear();
    cache.set(primaryOperation, values);
  }
  return values.some((value) => valueOf(value, variables) === true);
}

function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  if (node.kind === Kind.BOOLEAN) return node.value;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  return undefined;
}
