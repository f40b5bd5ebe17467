import { randomUUID } from 'node:crypto';
import { EVENT_HEADERS } from '@tributary/bus';
import { Kafka, logLevel } from 'kafkajs';
import type { TopicPosition } from './timeline.ts';

/**
 * Watches topics from now on and remembers where each event landed (partition and offset), by
 * event id. Every message is kept (up to a bound), not only those of known orders: an order's
 * first event can reach Kafka before placeOrder's answer tells us the order's id. Why a watcher rather than asking Kafka later:
 * kafkajs can only find a message by reading its partition, and reading from the start of a
 * long-lived dev stack's topics would cost more than the demo itself.
 */
export interface TopicPositions {
  positions: ReadonlyMap<string, TopicPosition>;
  stop(): Promise<void>;
}

export async function watchTopicPositions(options: {
  brokers: string[];
  topics: string[];
  /** At most this many positions are kept (the oldest are forgotten first). */
  maxPositions?: number;
  /** Gives up joining after this long (the demo then prints no positions). */
  joinTimeoutMs?: number;
}): Promise<TopicPositions> {
  const positions = new Map<string, TopicPosition>();
  const maxPositions = options.maxPositions ?? 100_000;
  const kafka = new Kafka({ clientId: 'demo-topic-watch', brokers: options.brokers, logLevel: logLevel.NOTHING });
  // A group of its own: it must see every partition, and never take messages from a service.
  const consumer = kafka.consumer({ groupId: `demo-watch-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: false });
  await consumer.run({
    // Nothing committed: the watcher leaves no offsets behind in the stack's broker.
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const header = (name: string) => message.headers?.[name]?.toString();
      const eventId = header(EVENT_HEADERS.eventId);
      if (!eventId) return;
      positions.set(eventId, { partition, offset: message.offset });
      if (positions.size > maxPositions) positions.delete(positions.keys().next().value!);
    },
  });
  const timeout = options.joinTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([joined, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)))]);
  clearTimeout(timer);
  // A new group starts at the end of each partition, resolved on its first fetch after joining:
  // a moment for that, so the first order placed next is not before the starting point.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return {
    positions,
    stop: () => consumer.disconnect(),
  };
}
