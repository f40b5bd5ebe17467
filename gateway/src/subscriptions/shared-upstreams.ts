import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import type { Logger } from '@tributary/telemetry';
import type { UpstreamClients, UpstreamRequest } from './upstream-clients.ts';

/** One event of an upstream subscription, shared by every listener (it must not be mutated). */
export type UpstreamEvent = FormattedExecutionResult<Record<string, unknown>>;

export interface UpstreamListener {
  next(event: UpstreamEvent): void;
  /** The upstream ended for good: completed by the subgraph, or refused (then `errors`). */
  end(errors?: readonly GraphQLFormattedError[]): void;
}

export interface SharedUpstreams {
  /**
   * Listens to the upstream subscription for `request`, opening it if no listener has yet (or if
   * `shareable` is false); the returned function leaves, and the last one to leave closes it.
   */
  join(request: UpstreamRequest, shareable: boolean, listener: UpstreamListener): () => void;
  /** Open upstream subscriptions (for metrics and tests). */
  readonly size: number;
}

export interface SharedUpstreamsDeps {
  clients: UpstreamClients;
  logger: Logger;
  /** Retry delays: min · 2^failures, capped, with ±50 % jitter so replicas do not reconnect in step. */
  backoff?: { minMs: number; maxMs: number };
  onReconnect?: (subgraph: string) => void;
  random?: () => number;
}

/**
 * Identical upstream subscriptions — same subgraph, operation, variables and caller scope — share
 * one subgraph subscription. The caller scope is part of the key because a subgraph decides what
 * an event shows by who asks (a customer sees only their orders).
 */
export function createSharedUpstreams(deps: SharedUpstreamsDeps): SharedUpstreams {
  const open = new Map<string, SharedUpstream>();
  const backoff = deps.backoff ?? { minMs: 250, maxMs: 10_000 };
  const random = deps.random ?? Math.random;
  let unshared = 0;

  class SharedUpstream {
    readonly listeners = new Set<UpstreamListener>();
    private cancelAttempt: (() => void) | undefined;
    private retryTimer: NodeJS.Timeout | undefined;
    private closed = false;

    constructor(private readonly key: string, private readonly request: UpstreamRequest) {}

    start(): void {
      if (this.closed) return;
      this.cancelAttempt = deps.clients.attempt(this.request, {
        next: (event) => {
          for (const listener of [...this.listeners]) listener.next(event);
        },
        complete: () => this.finish(),
        refused: (errors) => this.finish(errors),
        transportLost: (reason) => this.retry(reason),
      });
    }

    private retry(reason: string): void {
      this.cancelAttempt = undefined;
      if (this.closed) return;
      const failures = Math.max(1, deps.clients.failuresOf(this.request.subgraph));
      const delay = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(failures - 1, 16)) * (0.5 + random());
      deps.logger.warn({ subgraph: this.request.subgraph, reason, retryInMs: Math.round(delay) }, 'upstream subscription lost; resubscribing');
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        deps.onReconnect?.(this.request.subgraph);
        this.start();
      }, delay);
    }

    private finish(errors?: readonly GraphQLFormattedError[]): void {
      const listeners = [...this.listeners];
      this.close();
      for (const listener of listeners) listener.end(errors);
    }

    close(): void {
      if (this.closed) return;
      this.closed = true;
      clearTimeout(this.retryTimer);
      this.cancelAttempt?.();
      this.listeners.clear();
      if (open.get(this.key) === this) open.delete(this.key);
    }
  }

  return {
    join(request, shareable, listener) {
      const key = shareable
        ? JSON.stringify([request.subgraph, request.query, request.operationName ?? null, request.variables, scopeOf(request)])
        : `unshared:${(unshared += 1)}`;
      let upstream = open.get(key);
      const isNew = !upstream;
      if (!upstream) {
        upstream = new SharedUpstream(key, request);
        open.set(key, upstream);
      }
      upstream.listeners.add(listener);
      if (isNew) upstream.start();
      const joined = upstream;
      return () => {
        joined.listeners.delete(listener);
        if (joined.listeners.size === 0) joined.close();
      };
    },
    get size() {
      return open.size;
    },
  };
}

/** Who the subgraph answers for: the same events are only shared between identical callers. */
function scopeOf(request: UpstreamRequest): string {
  return request.actor ? `${request.actor.role}:${request.actor.customerId}` : 'anonymous';
}
