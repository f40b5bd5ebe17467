import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ACTOR_HEADER, decodeActorHeader, type Actor } from '@tributary/events/contracts';

/** What every resolver of the order subgraph gets. */
export interface OrderContext {
  /** The caller as verified by the gateway; absent for anonymous requests. */
  actor?: Actor;
  requestId: string;
  traceparent?: string;
}

/** Builds the context from the headers the gateway sent (see ACTOR_HEADER). */
export function contextFromHeaders(headers: IncomingHttpHeaders): OrderContext {
  const actor = decodeActorHeader(headers[ACTOR_HEADER]);
  const traceparent = headers.traceparent;
  return {
    ...(actor ? { actor } : {}),
    requestId: randomUUID(),
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
  };
}
