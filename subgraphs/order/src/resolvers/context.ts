import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ACTOR_HEADER, decodeActorHeader, traceparentSchema, type Actor } from '@tributary/contracts';

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
  // The envelope schema refuses a malformed traceparent, which would fail the whole mutation;
  // W3C Trace Context says to ignore such a header instead.
  const traceparent = traceparentSchema.safeParse(headers.traceparent);
  return {
    ...(actor ? { actor } : {}),
    requestId: randomUUID(),
    ...(traceparent.success ? { traceparent: traceparent.data } : {}),
  };
}
