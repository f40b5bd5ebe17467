import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Collected<T = Record<string, unknown>> {
  results: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> }[];
  /** Resolves when the server completes the subscription; rejects on a protocol error. */
  done: Promise<void>;
  unsubscribe(): void;
}

/** A real graphql-ws client to the gateway (no retries: a test sees exactly what happened). */
export function gatewayClient(graphqlUrl: string, connectionParams: Record<string, unknown> = {}, onClosed?: (event: { code: number; reason: string }) => void): Client {
  return createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams,
    ...(onClosed ? { on: { closed: (event) => onClosed(event as { code: number; reason: string }) } } : {}),
  });
}

export function collect<T = Record<string, unknown>>(client: Client, query: string, variables: Record<string, unknown> = {}): Collected<T> {
  const results: Collected<T>['results'] = [];
  let unsubscribe = () => {};
  const done = new Promise<void>((resolve, reject) => {
    unsubscribe = client.subscribe<T>({ query, variables }, {
      next: (result) => results.push(result as Collected<T>['results'][number]),
      complete: resolve,
      error: reject,
    });
  });
  done.catch(() => undefined);
  return { results, done, unsubscribe: () => unsubscribe() };
}

/** Retries an assertion until it passes or `timeoutMs` runs out (then its last failure is thrown). */
export async function until(assertion: () => unknown, options: { timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** The sum of a metric's samples on a process's /metrics (beside its /graphql), over the series carrying every given label. */
export async function metricValue(graphqlUrl: string, name: string, labels: string[] = []): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  return text
    .split('\n')
    .filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && labels.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}
