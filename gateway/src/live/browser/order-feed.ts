/// <reference lib="dom" />
import { createClient, type Client } from 'graphql-ws';
import { backoffDelay } from './backoff.ts';
import { ORDER_CHANGED_SUBSCRIPTION, type BoardOrder } from './board-state.ts';

export type FeedStatus =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; inMs: number }
  /** For good: the gateway refused the token, or the subscription itself. */
  | { kind: 'stopped'; reason: string; tokenRefused: boolean };

export interface OrderFeedOptions {
  /** ws(s)://<gateway>/graphql */
  url: string;
  authorization: string;
  onOrder(order: BoardOrder): void;
  onStatus(status: FeedStatus): void;
}

/** Close codes a graphql-ws server uses to refuse the connection itself (e.g. a bad token). */
const REFUSED_CODES = new Set([4401, 4403]);
/** GraphQL error codes that a retry cannot fix. */
const FINAL_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

const closeCodeOf = (value: unknown): number | undefined =>
  value && typeof value === 'object' && 'code' in value && typeof value.code === 'number' ? value.code : undefined;

type ErrorList = { message: string; extensions?: { code?: unknown } }[];

/**
 * The board's one subscription over graphql-ws, kept alive: the socket reconnects with backoff
 * after any drop (graphql-ws re-sends the subscription then, and includeCurrent brings the board
 * up to date), and a subscription the server ends is started again. Returns a function that stops it.
 */
export function startOrderFeed(options: OrderFeedOptions): () => void {
  let stopped = false;
  let failures = 0;
  let resubscribeTimer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;

  const stop = (reason: string, tokenRefused: boolean) => {
    stopped = true;
    unsubscribe?.();
    options.onStatus({ kind: 'stopped', reason, tokenRefused });
    void client.dispose();
  };

  const client: Client = createClient({
    url: options.url,
    // The gateway reads the caller's token from here (browsers cannot set WebSocket headers).
    connectionParams: { authorization: options.authorization },
    retryAttempts: Infinity,
    retryWait: async (retries) => {
      const inMs = backoffDelay(retries);
      options.onStatus({ kind: 'reconnecting', inMs });
      await new Promise((resolve) => setTimeout(resolve, inMs));
    },
    // graphql-ws retries only close events by default; an unreachable gateway is worth retrying
    // too. A refused token is not: it will be refused again.
    shouldRetry: (errorOrClose) => !REFUSED_CODES.has(closeCodeOf(errorOrClose) ?? 0),
    // A ping every 10 s: a half-open socket (sleeping laptop, dropped NAT entry) is noticed.
    keepAlive: 10_000,
    on: {
      connecting: () => options.onStatus({ kind: 'connecting' }),
      connected: () => {
        failures = 0;
        options.onStatus({ kind: 'live' });
      },
    },
  });

  const resubscribeLater = () => {
    if (stopped) return;
    const inMs = backoffDelay(failures++);
    options.onStatus({ kind: 'reconnecting', inMs });
    resubscribeTimer = setTimeout(subscribe, inMs);
  };

  function subscribe(): void {
    unsubscribe = client.subscribe<{ orderChanged: BoardOrder }>(
      { query: ORDER_CHANGED_SUBSCRIPTION, operationName: 'LiveOrders' },
      {
        next: (result) => {
          const order = result.data?.orderChanged;
          if (order) options.onOrder(order);
        },
        error: (error: unknown) => {
          if (stopped) return;
          const code = closeCodeOf(error);
          if (code !== undefined && REFUSED_CODES.has(code)) {
            const reason = (error as CloseEvent).reason;
            return stop(`the gateway refused the token (${code}${reason ? ` ${reason}` : ''})`, true);
          }
          if (Array.isArray(error)) {
            const errors = error as ErrorList;
            const final = errors.find((e) => FINAL_CODES.has(String(e.extensions?.code)));
            if (final) return stop(final.message, ['UNAUTHENTICATED', 'FORBIDDEN'].includes(String(final.extensions?.code)));
          }
          resubscribeLater();
        },
        // The server ended the stream (e.g. it is shutting down): start over.
        complete: resubscribeLater,
      },
    );
  }

  subscribe();
  return () => {
    stopped = true;
    clearTimeout(resubscribeTimer);
    unsubscribe?.();
    void client.dispose();
  };
}
