import { isEventType, parseEvent, topicForEventType, type AnyEventEnvelope, type EventEnvelope } from '@tributary/contracts';

/**
 * What the bus moves: any envelope of events/contracts (invariant 6). The bus reads only the
 * envelope fields (id, type, aggregate id/version, correlation...), never `data`.
 */
export type BusEnvelope = EventEnvelope;

/**
 * Turns a decoded JSON value into a typed envelope: validates, and upcasts old versions.
 * Throws on a schema violation (the consumer then parks the message on the DLQ without retries).
 */
export type EnvelopeParser<E extends BusEnvelope = AnyEventEnvelope> = (raw: unknown) => E;

/** The catalogue's parser: envelope + per-type data schemas + upcasting to the latest version. */
export const parseCatalogueEvent: EnvelopeParser<AnyEventEnvelope> = parseEvent;

/** Topic by event type (one topic per aggregate type). Unknown types are a bug: they throw. */
export function topicOfEvent(envelope: Pick<BusEnvelope, 'type'>): string {
  if (!isEventType(envelope.type)) throw new Error(`no topic for unknown event type ${envelope.type}`);
  return topicForEventType(envelope.type);
}
