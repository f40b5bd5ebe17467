import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { DomainError, traceparentSchema, type Actor } from '@tributary/contracts';

/** What every resolver of every subgraph gets. */
export interface ServiceContext {
  /** The caller the gateway vouched for (signed assertion); absent for anonymous requests. */
  actor?: Actor;
  /** Id of this request: the causation id of the events it appends. */
  requestId: string;
  traceparent?: string;
}

/** Builds the context from a verified caller and the request's trace header. */
export function buildContext(headers: IncomingHttpHeaders, actor: Actor | null): ServiceContext {
  // The envelope schema refuses a malformed traceparent, which would fail the whole mutation;
  // W3C Trace Context says to ignore such a header instead.
  const traceparent = traceparentSchema.safeParse(headers.traceparent);
  return {
    ...(actor ? { actor } : {}),
    requestId: randomUUID(),
    ...(traceparent.success ? { traceparent: traceparent.data } : {}),
  };
}

export function requireActor(context: Pick<ServiceContext, 'actor'>): Actor {
  if (!context.actor) throw new DomainError('UNAUTHENTICATED', 'sign in: this operation needs a bearer token');
  return context.actor;
}

export function requireAdmin(context: Pick<ServiceContext, 'actor'>): Actor {
  const actor = requireActor(context);
  if (actor.role !== 'admin') throw new DomainError('FORBIDDEN', 'only an admin may do this');
  return actor;
}

/** A customer sees only what is theirs; admins and the saga ('system') see everything. */
export function canSee(actor: Actor, ownerCustomerId: string): boolean {
  return actor.role === 'admin' || actor.role === 'system' || actor.customerId === ownerCustomerId;
}

/** The command metadata of a request: who, what caused it, which trace. */
export function requestMetadata(context: ServiceContext, correlationId: string) {
  return {
    actor: requireActor(context),
    correlationId,
    causationId: context.requestId,
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
  };
}
