import type { Actor } from '@tributary/contracts';
import { CONNECTION_ASSERTION_BODY, SUBSCRIPTION_ASSERTION_KEY, subscriptionAssertionBody, type AssertionSigner } from '@tributary/http';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

/** What ended a subscription: GraphQL errors (an `error` message), a closed socket, or `complete`. */
export interface SubscriptionEnd {
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
  closed?: { code: number; reason: string };
  completed?: boolean;
}

/** One subscription seen from the client: what arrived so far, and bounded waits on it. */
export interface SubscriptionProbe<T> {
  results: FormattedExecutionResult<T, unknown>[];
  /** The first `count` results, once they arrived; fails after `timeoutMs`. */
  take(count: number, timeoutMs?: number): Promise<FormattedExecutionResult<T, unknown>[]>;
  /** How it ended; fails after `timeoutMs` if it did not. */
  ended(timeoutMs?: number): Promise<SubscriptionEnd>;
  /** Sends `complete`: the server ends the subscription. */
  unsubscribe(): void;
}

export interface SubgraphSubscriptions {
  /** Subscribes as `actor`, with the payload signed as the gateway signs it. */
  subscribe<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> | undefined, actor: Actor | null): Promise<SubscriptionProbe<T>>;
  close(): Promise<void>;
}

/**
 * A graphql-ws client (on `ws`) talking to a subgraph directly as the gateway would: the
 * connection_init carries a connection assertion for `audience`, every subscribe its own
 * assertion naming its caller. `signer: null` sends none (to test refusals).
 */
export function connectSubgraphSubscriptions(url: string, options: { audience: string; signer: AssertionSigner | null }): SubgraphSubscriptions {
  const { audience, signer } = options;
  const client: Client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: async () => (signer ? { [SUBSCRIPTION_ASSERTION_KEY]: await signer.sign(audience, null, CONNECTION_ASSERTION_BODY) } : {}),
  });
  return {
    async subscribe<T>(query: string, variables: Record<string, unknown> | undefined, actor: Actor | null) {
      const payload = { query, ...(variables ? { variables } : {}) };
      const extensions = signer ? { [SUBSCRIPTION_ASSERTION_KEY]: await signer.sign(audience, actor, subscriptionAssertionBody(payload)) } : {};
      return probe<T>(client, { ...payload, extensions });
    },
    close: async () => {
      await client.dispose();
    },
  };
}

function probe<T>(client: Client, payload: { query: string; variables?: Record<string, unknown>; extensions: Record<string, unknown> }): SubscriptionProbe<T> {
  const results: FormattedExecutionResult<T, unknown>[] = [];
  let end: SubscriptionEnd | undefined;
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of waiters) waiter();
  };
  const unsubscribe = client.subscribe<T>(payload, {
    next: (result) => {
      results.push(result as FormattedExecutionResult<T, unknown>);
      changed();
    },
    error: (error) => {
      const closed = error as { code?: unknown; reason?: unknown };
      end = Array.isArray(error) ? { errors: error } : typeof closed.code === 'number' ? { closed: { code: closed.code, reason: String(closed.reason) } } : { errors: [{ message: String(error) }] };
      changed();
    },
    complete: () => {
      end ??= { completed: true };
      changed();
    },
  });

  /** Resolves with `value()` once it is defined; fails after `timeoutMs` naming `what`. */
  function waitFor<R>(value: () => R | undefined, timeoutMs: number, what: string): Promise<R> {
    const now = value();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify({ results, end })}`));
      }, timeoutMs);
      const check = () => {
        const ready = value();
        if (ready === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(ready);
      };
      waiters.add(check);
    });
  }

  return {
    results,
    take: (count, timeoutMs = 15_000) => waitFor(() => (results.length >= count ? results.slice(0, count) : undefined), timeoutMs, `${count} results`),
    ended: (timeoutMs = 15_000) => waitFor(() => end, timeoutMs, 'the subscription to end'),
    unsubscribe,
  };
}

interface Subscribable {
  subscribe: (...args: never[]) => Promise<() => Promise<void>>;
}

/**
 * The feed, counting its live subscriptions per channel: a test waits until the service's
 * subscription is active before it causes a change (a change published earlier is not missed
 * by the service, it was simply never meant for that subscriber).
 */
export function countSubscriptions<F extends Subscribable>(feed: F): F & { active(channel?: string): number } {
  const counts = new Map<string, number>();
  const counted = Object.create(feed) as F & { active(channel?: string): number };
  counted.subscribe = (async (...args: Parameters<F['subscribe']>) => {
    const channel = String(args[0]);
    const unsubscribe = await feed.subscribe(...args);
    counts.set(channel, (counts.get(channel) ?? 0) + 1);
    let done = false;
    return async () => {
      if (!done) counts.set(channel, (counts.get(channel) ?? 1) - 1);
      done = true;
      await unsubscribe();
    };
  }) as F['subscribe'];
  counted.active = (channel) => (channel === undefined ? [...counts.values()].reduce((sum, n) => sum + n, 0) : (counts.get(channel) ?? 0));
  return counted;
}
