import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { ACTOR_HEADER, encodeActorHeader, type Actor } from '@tributary/contracts';

/** Per-request context of the gateway: the verified caller, absent for anonymous requests. */
export interface GatewayContext {
  actor?: Actor;
}

/**
 * Sends subgraph requests carrying the verified actor in ACTOR_HEADER. Subgraphs trust that
 * header blindly, so any value that did not come from the gateway's own verification is
 * removed first, whatever produced it.
 */
export class ActorForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): void {
    const headers = request.http?.headers;
    if (!headers) return;
    headers.delete(ACTOR_HEADER);
    const actor = (context as GatewayContext).actor;
    if (actor) headers.set(ACTOR_HEADER, encodeActorHeader(actor));
  }
}
