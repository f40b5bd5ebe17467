import { Agent, request, type Dispatcher } from 'undici';
import type { GatewayContext } from '../auth/gateway-context.ts';
import { isConnectFailure } from '../supergraph/connect-failure.ts';
import { createReplicaPool, sendToReplicas, type ReplicaPool } from '../supergraph/replica-pool.ts';
import { timedFetch, type ObserveSubgraphFetch } from '../metrics/subgraph-fetch-metrics.ts';
import { createSharedFlights } from './shared-flights.ts';
import type { SubgraphResponse, SubgraphTransport } from './types.ts';

export interface HttpTransportOptions {
  /** Where each subgraph answers: one URL, or its replicas (taken in turns, see replica-pool.ts). */
  urls: Record<string, string | ReplicaPool>;
  /** Headers for one request, given its exact body (e.g. a signed assertion of the caller). */
  headers?: (subgraph: string, body: string, context: GatewayContext) => Promise<Record<string, string>> | Record<string, string>;
  /** Share an identical shareable request in flight; `onJoined` counts those not sent. */
  dedup?: { onJoined(subgraph: string): void };
  /** Times each request (graphql_subgraph_fetch_duration_seconds). */
  observe?: (subgraph: string) => ObserveSubgraphFetch;
  /** Keep-alive connections per subgraph origin (default 64). */
  connectionsPerOrigin?: number;
  /** Limit for a subgraph's response headers and body each (default 30 s). */
  timeoutMs?: number;
}

/** A transport (call it to send) that also closes its connection pools. */
export type HttpTransport = SubgraphTransport & { close(): Promise<void> };

/**
 * Subgraph requests over undici's keep-alive pools (one per origin, reused by every request, no
 * per-request agent or fetch machinery). Each answer is parsed once; the executor never modifies
 * it, so concurrent requests sharing a flight share the parsed object too.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const timeout = options.timeoutMs ?? 30_000;
  const agent = new Agent({ connections: options.connectionsPerOrigin ?? 64, headersTimeout: timeout, bodyTimeout: timeout, keepAliveTimeout: 30_000 });
  const pools = new Map<string, ReplicaPool>(Object.entries(options.urls).map(([name, target]) => [name, typeof target === 'string' ? createReplicaPool(name, [target]) : target]));
  const flights = createSharedFlights<SubgraphResponse>();

  /** One POST, answered once its headers are in (what the fetch metric times). */
  async function postOnce(url: string, body: string, headers: Record<string, string>): Promise<{ ok: boolean; response: Dispatcher.ResponseData }> {
    try {
      const response = await request(url, { method: 'POST', body, headers, dispatcher: agent });
      return { ok: response.statusCode >= 200 && response.statusCode < 300, response };
    } catch (error) {
      // Worded as Apollo's gateway words it; the cause (and its code, which tells a refused
      // connection from a reset, see connect-failure.ts) stays attached.
      throw new Error(`request to ${url} failed, reason: ${(error as Error).message}`, { cause: error });
    }
  }
  // Per subgraph: timed and classified by the shared metric wrapper when there is an observer.
  const posters = new Map<string, typeof postOnce>();
  const posterOf = (subgraph: string) => {
    let post = posters.get(subgraph);
    if (!post) {
      const observe = options.observe?.(subgraph);
      posters.set(subgraph, (post = observe ? timedFetch(postOnce, observe) : postOnce));
    }
    return post;
  };

  async function post(subgraph: string, url: string, body: string, headers: Record<string, string>): Promise<SubgraphResponse> {
    const { response } = await posterOf(subgraph)(url, body, headers);
    return parseAnswer(subgraph, response.statusCode, await response.body.text());
  }

  async function sendNow(subgraph: string, body: string, context: GatewayContext): Promise<SubgraphResponse> {
    const pool = pools.get(subgraph);
    if (!pool) throw new Error(`no URL for subgraph "${subgraph}"`);
    const headers = { 'content-type': 'application/json', accept: 'application/json', ...(await options.headers?.(subgraph, body, context)) };
    return sendToReplicas(pool, (url) => post(subgraph, url, body, headers), isConnectFailure);
  }

  const send: SubgraphTransport = async (subgraph, graphqlRequest, { context, shareable }) => {
      const body = JSON.stringify(graphqlRequest);
      if (!shareable || !options.dedup) return sendNow(subgraph, body, context);
      // Everything that can change the answer: the subgraph, the caller and the exact body.
      const actor = context.actor ? `${context.actor.customerId}\u0000${context.actor.role}` : '';
      const key = `${subgraph}\u0000${actor}\u0000${body}`;
      return flights.share(key, () => sendNow(subgraph, body, context), () => options.dedup!.onJoined(subgraph));
  };
  return Object.assign(send, { close: () => agent.close() });
}

/**
 * A subgraph's answer as GraphQL: a JSON body with data or errors is taken whatever the status
 * (a 400 carries its validation errors); anything else is an error naming the status.
 */
function parseAnswer(subgraph: string, status: number, text: string): SubgraphResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`subgraph "${subgraph}" answered ${status} with a body that is not JSON`);
  }
  if (typeof parsed === 'object' && parsed !== null && ('data' in parsed || 'errors' in parsed)) return parsed as SubgraphResponse;
  throw new Error(`subgraph "${subgraph}" answered ${status} without data or errors`);
}
