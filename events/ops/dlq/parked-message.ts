import { DLQ_HEADERS, EVENT_HEADERS, fromDeadLetter, headersToStrings } from '@tributary/bus';
import { sourceTopicOfDlq } from '@tributary/contracts';
import type { KafkaMessage, Message } from 'kafkajs';
import { formatParkedId } from './parked-id.ts';

/** One message parked on a `<topic>.dlq`, decoded for people and for replays. */
export interface ParkedMessage {
  id: string;
  dlqTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Every header, the x-dlq-* ones included. */
  headers: Record<string, string>;
  /** The value as JSON when it is JSON (normally the event envelope), else undefined. */
  envelope: unknown;
  /** The value as text when it is not JSON (what made the consumer give up, often). */
  rawValue: string | null;
  eventType: string | null;
  eventId: string | null;
  aggregateId: string | null;
  originalTopic: string;
  originalPartition: number | null;
  originalOffset: string | null;
  attempts: number | null;
  failedAt: string | null;
  error: string | null;
  /** What goes back on the original topic: original key, value and headers (fromDeadLetter). */
  replayMessage: Message;
  replayTopic: string;
}

function decodeJson(value: Buffer | null): { envelope: unknown; rawValue: string | null } {
  if (value === null) return { envelope: undefined, rawValue: null };
  const text = value.toString('utf8');
  try {
    return { envelope: JSON.parse(text) as unknown, rawValue: null };
  } catch {
    return { envelope: undefined, rawValue: text };
  }
}

/** A field of the envelope when it has one, else the event header (set on every event message). */
function envelopeField(envelope: unknown, field: string, header: string | undefined): string | null {
  const value = envelope && typeof envelope === 'object' ? (envelope as Record<string, unknown>)[field] : undefined;
  if (typeof value === 'string') return value;
  return header ?? null;
}

function numberOrNull(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}

export function toParkedMessage(dlqTopic: string, partition: number, message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset'>): ParkedMessage {
  const headers = headersToStrings(message.headers);
  const { envelope, rawValue } = decodeJson(message.value);
  const replay = fromDeadLetter(message);
  // A message parked by hand (no x-dlq-original-topic) goes back to the topic its DLQ belongs to.
  const replayTopic = replay.topic ?? sourceTopicOfDlq(dlqTopic);
  return {
    id: formatParkedId({ topic: dlqTopic, partition, offset: BigInt(message.offset) }),
    dlqTopic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    headers,
    envelope,
    rawValue,
    eventType: envelopeField(envelope, 'type', headers[EVENT_HEADERS.eventType]),
    eventId: envelopeField(envelope, 'id', headers[EVENT_HEADERS.eventId]),
    aggregateId: envelopeField(envelope, 'aggregateId', headers[EVENT_HEADERS.aggregateId]),
    originalTopic: replayTopic,
    originalPartition: numberOrNull(headers[DLQ_HEADERS.originalPartition]),
    originalOffset: headers[DLQ_HEADERS.originalOffset] ?? null,
    attempts: numberOrNull(headers[DLQ_HEADERS.attempts]),
    failedAt: headers[DLQ_HEADERS.failedAt] ?? null,
    error: headers[DLQ_HEADERS.error] ?? null,
    replayMessage: replay.message,
    replayTopic,
  };
}
