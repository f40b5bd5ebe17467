import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { errorMessage } from './errors.ts';

export const DLQ_HEADERS = {
  error: 'x-dlq-error',
  attempts: 'x-dlq-attempts',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  failedAt: 'x-dlq-failed-at',
} as const;

const DLQ_HEADER_NAMES = new Set<string>(Object.values(DLQ_HEADERS));

export interface DeadLetterSource {
  topic: string;
  partition: number;
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset'>;
}

/**
 * The parked message keeps the original key, value and headers byte for byte, so a replay is
 * indistinguishable from the first delivery; what went wrong travels in extra headers.
 */
export function toDeadLetter(source: DeadLetterSource, error: unknown, attempts: number, failedAt: Date): Message {
  return {
    key: source.message.key,
    value: source.message.value,
    headers: {
      ...source.message.headers,
      // Headers are small by convention; a stack trace can be huge, the first lines suffice.
      [DLQ_HEADERS.error]: errorMessage(error).slice(0, 2_000),
      [DLQ_HEADERS.attempts]: String(attempts),
      [DLQ_HEADERS.originalTopic]: source.topic,
      [DLQ_HEADERS.originalPartition]: String(source.partition),
      [DLQ_HEADERS.originalOffset]: source.message.offset,
      [DLQ_HEADERS.failedAt]: failedAt.toISOString(),
    },
  };
}

/** The message to put back on the original topic: original headers only. */
export function fromDeadLetter(message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>): { topic: string | undefined; message: Message } {
  const headers: IHeaders = {};
  let topic: string | undefined;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (name === DLQ_HEADERS.originalTopic) topic = value?.toString();
    if (!DLQ_HEADER_NAMES.has(name)) headers[name] = value;
  }
  return { topic, message: { key: message.key, value: message.value, headers } };
}
