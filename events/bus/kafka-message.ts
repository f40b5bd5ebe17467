import { Partitioners, type IHeaders, type Message, type ProducerConfig } from 'kafkajs';
import type { BusEnvelope } from './envelope.ts';
import { MalformedMessageError } from './errors.ts';

/**
 * Header names carried by every event message. Consumers can route, trace and deduplicate from
 * headers without decoding the value; `traceparent` is the W3C name so OpenTelemetry's Kafka
 * propagators find it.
 */
export const EVENT_HEADERS = {
  eventId: 'event-id',
  eventType: 'event-type',
  eventVersion: 'event-version',
  aggregateId: 'aggregate-id',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
  contentType: 'content-type',
} as const;

export const ENVELOPE_CONTENT_TYPE = 'application/json';

/** Key = aggregate id so every event of one aggregate lands on one partition, in order (invariant 4). */
export function envelopeToMessage(envelope: BusEnvelope): Message & { key: string; value: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {
    [EVENT_HEADERS.eventId]: envelope.id,
    [EVENT_HEADERS.eventType]: envelope.type,
    [EVENT_HEADERS.eventVersion]: String(envelope.version),
    [EVENT_HEADERS.aggregateId]: envelope.aggregateId,
    [EVENT_HEADERS.correlationId]: envelope.correlationId,
    [EVENT_HEADERS.causationId]: envelope.causationId,
    [EVENT_HEADERS.contentType]: ENVELOPE_CONTENT_TYPE,
  };
  if (envelope.traceparent) headers[EVENT_HEADERS.traceparent] = envelope.traceparent;
  return { key: envelope.aggregateId, value: JSON.stringify(envelope), headers };
}

/** Kafka header values arrive as Buffers (or arrays for repeated keys); we keep the first. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

/** Decodes the value as JSON; the envelope schema check is the parser's job. */
export function decodeMessageValue(value: Buffer | string | null): unknown {
  if (value === null || value.length === 0) throw new MalformedMessageError('message has no value');
  try {
    return JSON.parse(value.toString());
  } catch (error) {
    throw new MalformedMessageError(`message value is not JSON: ${(error as Error).message}`);
  }
}

/**
 * Producer settings every bus producer shares. The explicit default partitioner is the Java
 * client's murmur2 one, so a key lands on the same partition whichever client produced it (and
 * kafkajs stops warning about its v2 partitioner change). One request in flight keeps the order
 * of sends on a partition even across retries.
 */
export const BUS_PRODUCER_CONFIG = {
  createPartitioner: Partitioners.DefaultPartitioner,
  maxInFlightRequests: 1,
} as const satisfies ProducerConfig;
