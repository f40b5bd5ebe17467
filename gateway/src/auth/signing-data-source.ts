import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { context as traceContext, propagation } from '@opentelemetry/api';
import { actorSchema, ACTOR_HEADER, type Actor } from '@tributary/contracts';
import { ASSERTION_HEADER, type AssertionSigner } from '@tributary/http';
import { timedFetch, type ObserveSubgraphFetch } from '../metrics/subgraph-fetch-metrics.ts';
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
 */
export class SigningDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(options: { url: string; subgraph: string; signer: AssertionSigner; observeFetch?: ObserveSubgraphFetch; replicas?: ReplicaPool }) {
    super({ url: options.url });
    // Timed around the request alone (graphql_subgraph_fetch_duration_seconds), signing excluded.
    const send = options.observeFetch ? timedFetch(this.fetcher, options.observeFetch) : this.fetcher;
    this.fetcher = (async (url: string, init: FetchInit) => {
      const headers = { ...(init.headers as Record<string, string>) };
      const pending = headers[PENDING_ACTOR_HEADER];
      delete headers[PENDING_ACTOR_HEADER];
      const actor = pending ? actorSchema.parse(JSON.parse(pending)) : null;
      headers[ASSERTION_HEADER] = await options.signer.sign(options.subgraph, actor, String(init.body ?? ''));
      // The subgraph continues this trace (W3C traceparent of Apollo's gateway.fetch span): set
      // here, not only by the http instrumentation, so it holds without the preload too. The
      // assertion covers the body, not the headers.
      propagation.inject(traceContext.active(), headers);
      const signed = { ...init, headers };
      return options.replicas ? sendToReplicas(options.replicas, (replica) => send(replica, signed), isConnectFailure) : send(url, signed);
    }) as Fetcher;
  }

  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): void {
    const headers = request.http?.headers;
    if (!headers) return;
    for (const name of [ACTOR_HEADER, ASSERTION_HEADER, PENDING_ACTOR_HEADER]) headers.delete(name);
    const actor = (context as GatewayContext).actor;
    if (actor) headers.set(PENDING_ACTOR_HEADER, JSON.stringify(actor));
  }
}
