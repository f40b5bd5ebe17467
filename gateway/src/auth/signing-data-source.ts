import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { context as traceContext, propagation } from '@opentelemetry/api';
import { actorSchema, ACTOR_HEADER, type Actor } from '@tributary/contracts';
import { ASSERTION_HEADER, type AssertionSigner } from '@tributary/http';
import { timedFetch, type ObserveSubgraphFetch } from '../metrics/subgraph-fetch-metrics.ts';
import { bufferResponse, createInflightRequests, requestKey, startsAsQuery, toResponse, type InflightRequests } from './inflight-dedup.ts';
import { isConnectFailure } from '../supergraph/connect-failure.ts';
import { sendToReplicas, type ReplicaPool } from '../supergraph/replica-pool.ts';

/** Per-request context of the gateway: the verified caller, absent for anonymous requests. */
export interface GatewayContext {
  actor?: Actor;
}

/**
 * Hands the caller from willSendRequest (which knows the context) to the fetcher (which knows the
 * final body bytes). Never leaves the gateway: the fetcher removes it before sending.
 */
const PENDING_ACTOR_HEADER = 'x-tributary-pending-actor';
/** Marks a request willSendRequest found safe to share (a query of a query); removed likewise. */
const PENDING_SHARE_HEADER = 'x-tributary-pending-share';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetchInit = NonNullable<Parameters<Fetcher>[1]>;

/**
 * Sends each subgraph request with a signed assertion of the verified caller (see
 * @tributary/http gateway-assertion): bound to this subgraph, to the exact body, short-lived and
 * single-use. Any identity or assertion header a client sent is dropped first, whatever it says.
 *
 * With `replicas`, each request goes to the replica whose turn it is, and on to the next one when
 * a replica refuses the connection (see supergraph/replica-pool.ts). The assertion is signed once
 * for all of them: it names the subgraph, not a host, and a refused connection never delivered it.
 *
 * With `dedup`, a query identical to one in flight (same subgraph, caller, headers, operation and
 * variables; see inflight-dedup.ts) is not sent again: it gets a copy of that flight's response,
 * errors included. The shared request is one request, so it carries one assertion. Mutations and
 * anything asked for by a client mutation or subscription are always sent on their own.
 */
export class SigningDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly flights: InflightRequests | undefined;

  constructor(options: {
    url: string;
    subgraph: string;
    signer: AssertionSigner;
    observeFetch?: ObserveSubgraphFetch;
    replicas?: ReplicaPool;
    /** Share identical in-flight queries; `onJoined` counts the requests that were not sent. */
    dedup?: { onJoined: () => void };
  }) {
    super({ url: options.url });
    this.flights = options.dedup ? createInflightRequests(options.dedup.onJoined) : undefined;
    // Timed around the request alone (graphql_subgraph_fetch_duration_seconds), signing excluded.
    const send = options.observeFetch ? timedFetch(this.fetcher, options.observeFetch) : this.fetcher;
    const signAndSend = async (url: string, init: FetchInit, headers: Record<string, string>, actor: Actor | null) => {
      headers[ASSERTION_HEADER] = await options.signer.sign(options.subgraph, actor, String(init.body ?? ''));
      // The subgraph continues this trace (W3C traceparent of Apollo's gateway.fetch span): set
      // here, not only by the http instrumentation, so it holds without the preload too. The
      // assertion covers the body, not the headers.
      propagation.inject(traceContext.active(), headers);
      const signed = { ...init, headers };
      return options.replicas ? sendToReplicas(options.replicas, (replica) => send(replica, signed), isConnectFailure) : send(url, signed);
    };
    this.fetcher = (async (url: string, init: FetchInit) => {
      const headers = { ...(init.headers as Record<string, string>) };
      const pending = headers[PENDING_ACTOR_HEADER];
      const shareable = headers[PENDING_SHARE_HEADER] === '1';
      delete headers[PENDING_ACTOR_HEADER];
      delete headers[PENDING_SHARE_HEADER];
      const actor = pending ? actorSchema.parse(JSON.parse(pending)) : null;
      const body = String(init.body ?? '');
      const key = shareable && this.flights ? requestKey(options.subgraph, actor, headers, body) : undefined;
      if (!key || !this.flights) return signAndSend(url, init, headers, actor);
      // The flight is no one waiter's: it runs without a waiter's signal, so giving up on it
      // (share's `signal`) leaves it to the others.
      const { signal, ...unsignalled } = init as FetchInit & { signal?: AbortSignal | null };
      const flight = this.flights.share(
        key,
        async () => bufferResponse((await signAndSend(url, unsignalled, headers, actor)) as unknown as Response),
        signal,
      );
      return toResponse(await flight) as unknown as Awaited<ReturnType<Fetcher>>;
    }) as Fetcher;
  }

  override willSendRequest(options: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): void {
    const { request, context } = options;
    const headers = request.http?.headers;
    if (!headers) return;
    for (const name of [ACTOR_HEADER, ASSERTION_HEADER, PENDING_ACTOR_HEADER, PENDING_SHARE_HEADER]) headers.delete(name);
    const actor = (context as GatewayContext).actor;
    if (actor) headers.set(PENDING_ACTOR_HEADER, JSON.stringify(actor));
    // Shared only when both the client's operation and this subgraph operation are queries: an
    // entity fetch made for a mutation must see that mutation's writes, not an earlier flight.
    const shareable =
      this.flights !== undefined &&
      // Only a client operation's requests have one (not health checks nor schema loading).
      'incomingRequestContext' in options &&
      options.incomingRequestContext.operation?.operation === 'query' &&
      startsAsQuery(request.query ?? '');
    if (shareable) headers.set(PENDING_SHARE_HEADER, '1');
  }
}
