import { z } from 'zod';
import { actorSchema } from './actor.ts';
import { idSchema, isoDateTimeSchema } from './common.ts';

/** W3C Trace Context `traceparent` (version-traceid-parentid-flags), lower-case hex. */
export const TRACEPARENT_PATTERN = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export const traceparentSchema = z
  .string()
  .regex(TRACEPARENT_PATTERN, 'traceparent must be a W3C trace context header')
  // The spec forbids version ff and all-zero trace or parent ids; such a header is noise.
  .refine((value) => {
    const [version, traceId, parentId] = value.split('-');
    return version !== 'ff' && !/^0+$/.test(traceId ?? '') && !/^0+$/.test(parentId ?? '');
  }, 'traceparent has an invalid version or an all-zero id');

/**
 * Every event travels in this envelope (architecture invariant 6). `data` is left open here;
 * the catalogue validates it against the schema of (type, version).
 */
export const envelopeSchema = z.object({
  /** Unique per event; consumers deduplicate on it. */
  id: z.uuid(),
  type: z.string().min(1).max(128),
  /** Schema version of `data`; readers upcast older versions (see upcasters.ts). */
  version: z.int().min(1),
  /** The stream the event belongs to; also the Kafka message key (per-aggregate ordering). */
  aggregateId: idSchema,
  /** Position in the aggregate's stream, starting at 1; unique with aggregateId. */
  aggregateVersion: z.int().min(1),
  occurredAt: isoDateTimeSchema,
  /** Ties a whole saga together: the order id for the order saga. */
  correlationId: idSchema,
  /** Id of the command or event that caused this one. */
  causationId: idSchema,
  traceparent: traceparentSchema.optional(),
  /** Who caused it; saga steps act as `{ role: 'system' }`. */
  actor: actorSchema,
  data: z.unknown(),
});

type EnvelopeFields = z.output<typeof envelopeSchema>;

export type EventEnvelope<TType extends string = string, TData = unknown> = Omit<
  EnvelopeFields,
  'type' | 'data'
> & { type: TType; data: TData };

/** Everything in an envelope except the event itself: supplied by the infrastructure. */
export type EnvelopeMetadata = Omit<EnvelopeFields, 'type' | 'version' | 'data'>;

/** An event as a decider returns it: the envelope is added by the infrastructure. */
export interface DomainEventShape<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
}

export interface VersionedEvent<TType extends string = string, TData = unknown>
  extends DomainEventShape<TType, TData> {
  version: number;
}

/**
 * Wraps an event in an envelope. Pure: ids, time and trace context come in with `metadata`.
 * Does not validate; `createEnvelope` in the catalogue validates and picks the latest version.
 */
export function buildEnvelope<TType extends string, TData>(
  event: VersionedEvent<TType, TData>,
  metadata: EnvelopeMetadata,
): EventEnvelope<TType, TData> {
  // Copy field by field so that stray properties on `metadata` never leak onto the wire.
  const envelope: EventEnvelope<TType, TData> = {
    id: metadata.id,
    type: event.type,
    version: event.version,
    aggregateId: metadata.aggregateId,
    aggregateVersion: metadata.aggregateVersion,
    occurredAt: metadata.occurredAt,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    actor: { customerId: metadata.actor.customerId, role: metadata.actor.role },
    data: event.data,
  };
  if (metadata.traceparent !== undefined) envelope.traceparent = metadata.traceparent;
  return envelope;
}
