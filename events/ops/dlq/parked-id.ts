import { isDlqTopic } from '@tributary/contracts';

/**
 * A parked message's id: `<dlq topic>/<partition>/<offset>`, e.g. `tributary.order.dlq/0/12`.
 * Stable for the message's lifetime (Kafka never renumbers offsets) and readable as is.
 */
export interface ParkedId {
  topic: string;
  partition: number;
  offset: bigint;
}

export function formatParkedId(id: ParkedId): string {
  return `${id.topic}/${id.partition}/${id.offset}`;
}

export class UnknownParkedMessageError extends Error {
  override name = 'UnknownParkedMessageError';
}

/** Parses an id; anything else is an UnknownParkedMessageError that says what one looks like. */
export function parseParkedId(text: string): ParkedId {
  const match = /^(.+)\/(\d+)\/(\d+)$/.exec(text.trim());
  if (!match || !isDlqTopic(match[1]!)) {
    throw new UnknownParkedMessageError(`"${text}" is not a parked message id: ids look like tributary.order.dlq/0/12 (see \`npm run dlq -- list\`)`);
  }
  return { topic: match[1]!, partition: Number(match[2]), offset: BigInt(match[3]!) };
}
