import { createClient, type Client } from 'graphql-ws';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import WebSocket from 'ws';
import type { Actor } from '@tributary/contracts';
import { CONNECTION_ASSERTION_BODY, SUBSCRIPTION_ASSERTION_KEY, subscriptionAssertionBody, type AssertionSigner } from '@tributary/http';
import type { Logger } from '@tributary/telemetry';
import type { ReplicaPool } from '../supergraph/replica-pool.ts';

/** One subscription request to a subgraph, on behalf of one caller. */
export interface UpstreamRequest {
  subgraph: string;
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
  actor: Actor | undefined;
}

/** What one attempt reports; `transportLost` means the socket went away (worth a retry). */
export interface UpstreamAttemptSink {
  next(result: FormattedExecutionResult<Record<string, unknown>>): void;
  /** The subgraph refused the subscription (validation, auth): retrying the same request cannot help. */
  refused(errors: readonly GraphQLFormattedError[]): void;
  transportLost(reason: string): void;
  complete(): void;
}

export interface UpstreamClients {
  /** Starts one attempt; the returned function cancels it. */
  attempt(request: UpstreamRequest, sink: UpstreamAttemptSink): () => void;
  /** Consecutive failed connection attempts to the subgraph (0 once connected): the retry backoff's input. */
  failuresOf(subgraph: string): number;
  close(): Promise<void>;
}

export interface UpstreamClientsDeps {
  /** The replicas of each subgraph, by name (their HTTP URLs; graphql-ws listens on the same path). */
  replicasOf(subgraph: string): ReplicaPool | undefined;
  signer: AssertionSigner;
  logger: Logger;
  /** Ping interval on each subgraph socket; a silent socket is dropped and reconnected. */
  keepAliveMs?: number;
}

/**
 * One graphql-ws connection per subgraph, carrying every upstream subscription to it. The socket
 * opens with the first subscription and closes shortly after the last one. Each connection and
 * each subscription carries a fresh gateway assertion (see @tributary/http gateway-assertion):
 * signed at the moment it is sent, so a reconnect never replays an old one. graphql-ws's own
 * retries are off: a retry must re-sign, so UpstreamSubscription retries each attempt itself.
 *
 * Each (re)connect asks the subgraph's replica pool for a URL: the replicas take turns, and one
 * whose socket just failed or closed abnormally is marked down, so when the replica holding the
 * socket dies the subscriptions resume on another one.
 */
export function createUpstreamClients(deps: UpstreamClientsDeps): UpstreamClients {
  const clients = new Map<string, Client>();
  const failures = new Map<string, number>();

  function clientFor(subgraph: string): Client {
    const existing = clients.get(subgraph);
    if (existing) return existing;
    const replicas = deps.replicasOf(subgraph);
    if (!replicas) throw new Error(`no subscription endpoint for subgraph ${subgraph}`);
    // The replica the current socket went to: one socket at a time per client.
    let replica: string | undefined;
    const client = createClient({
      url: () => {
        replica = replicas.order()[0] as string;
        return replica.replace(/^http/, 'ws');
      },
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 1_000,
      retryAttempts: 0,
      keepAlive: deps.keepAliveMs ?? 10_000,
      connectionParams: async () => ({ [SUBSCRIPTION_ASSERTION_KEY]: await deps.signer.sign(subgraph, null, CONNECTION_ASSERTION_BODY) }),
      on: {
        connected: () => {
          failures.set(subgraph, 0);
          if (replica) replicas.markUp(replica);
        },
        closed: (event) => {
          const code = (event as { code?: number }).code;
          // 1000: the lazy client closed an idle socket on purpose.
          if (code === 1000) return;
          failures.set(subgraph, (failures.get(subgraph) ?? 0) + 1);
          if (replica) replicas.markDown(replica);
        },
      },
    });
    clients.set(subgraph, client);
    return client;
  }

  return {
    attempt(request, sink) {
      let cancelled = false;
      let unsubscribe: (() => void) | undefined;
      const payload = { query: request.query, variables: request.variables, operationName: request.operationName ?? null };
      deps.signer
        .sign(request.subgraph, request.actor ?? null, subscriptionAssertionBody(payload))
        .then((assertion) => {
          if (cancelled) return;
          unsubscribe = clientFor(request.subgraph).subscribe<Record<string, unknown>>(
            { ...payload, operationName: request.operationName, extensions: { [SUBSCRIPTION_ASSERTION_KEY]: assertion } },
            {
              next: (result) => !cancelled && sink.next(result as FormattedExecutionResult<Record<string, unknown>>),
              complete: () => !cancelled && sink.complete(),
              error: (error: unknown) => {
                if (cancelled) return;
                if (Array.isArray(error)) return sink.refused(error as GraphQLFormattedError[]);
                sink.transportLost(describe(error));
              },
            },
          );
        })
        .catch((error: unknown) => !cancelled && sink.transportLost(describe(error)));
      return () => {
        cancelled = true;
        unsubscribe?.();
      };
    },
    failuresOf: (subgraph) => failures.get(subgraph) ?? 0,
    async close() {
      await Promise.all([...clients.values()].map((client) => client.dispose()));
      clients.clear();
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  const close = error as { code?: number; reason?: string };
  if (typeof close?.code === 'number') return `socket closed (${close.code}${close.reason ? ` ${close.reason}` : ''})`;
  return String(error);
}
