import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Histogram, type Registry } from 'prom-client';
import { ANONYMOUS_OPERATION, createOperationNameLabels } from './operation-names.ts';
import { operationOutcome } from './operation-outcome.ts';

/** operation_type of an operation answered before execution: its document was never trusted. */
export const UNKNOWN_OPERATION_TYPE = 'unknown';

export interface OperationMetricsOptions {
  registry: Registry;
  /** Distinct operation_name values kept before the rest count as "other" (default 100). */
  maxOperationNames?: number;
  /** Seconds, monotonic; tests may pass a fake clock. */
  now?: () => number;
}

/**
 * graphql_operations_total and graphql_operation_duration_seconds, labelled
 * {operation_name, operation_type, outcome}, for every operation Apollo answers: over HTTP and
 * queries and mutations sent over graphql-ws (subscriptions have their own gateway_subscription_*
 * metrics). Timed from the start of Apollo's request pipeline to the response being ready.
 *
 * A request refused while its context is built (UNAUTHENTICATED, RATE_LIMITED over HTTP) never
 * enters that pipeline: it is counted with operation_name "anonymous" and operation_type
 * "unknown", and not timed.
 */
export function operationMetricsPlugin(options: OperationMetricsOptions): ApolloServerPlugin {
  const now = options.now ?? (() => performance.now() / 1000);
  const names = createOperationNameLabels(options.maxOperationNames);
  const labelNames = ['operation_name', 'operation_type', 'outcome'] as const;
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations answered by the gateway, by operation name (bounded), type and outcome (success, error, refused).',
    labelNames,
    registers: [options.registry],
  });
  const duration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Time the gateway took to answer a GraphQL operation, from request to response.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [options.registry],
  });

  return {
    async contextCreationDidFail({ error }) {
      const outcome = operationOutcome([error as { extensions?: { code?: unknown } }], false);
      operations.inc({ operation_name: ANONYMOUS_OPERATION, operation_type: UNKNOWN_OPERATION_TYPE, outcome });
    },
    async requestDidStart() {
      const startedAt = now();
      let executed = false;
      return {
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse(context) {
          // Before execution the document may be a stand-in (operation limits) or invalid: only
          // an executed operation's own name and type are trusted.
          const labels = {
            operation_name: names.label(context.operationName ?? context.request.operationName, executed),
            operation_type: executed ? (context.operation?.operation ?? UNKNOWN_OPERATION_TYPE) : UNKNOWN_OPERATION_TYPE,
            outcome: operationOutcome(context.errors, executed),
          };
          operations.inc(labels);
          duration.observe(labels, now() - startedAt);
        },
      };
    },
  };
}
