import type { Admin } from 'kafkajs';
import { dlqTopic } from '@tributary/contracts';

/**
 * Creates each topic and its `<topic>.dlq` unless present. Idempotent, so every service can run
 * it at startup; the partition count of an existing topic is left alone (changing it would
 * move keys to other partitions and break per-aggregate order).
 * @returns the topics it created
 */
export async function ensureTopics(admin: Admin, topics: readonly string[], partitions: number): Promise<string[]> {
  const wanted = [...new Set(topics.flatMap((topic) => [topic, dlqTopic(topic)]))];
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  // Another process may create some of them meanwhile; kafkajs answers false when every
  // failure is TOPIC_ALREADY_EXISTS, which is the state we want either way.
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
  });
  return missing;
}
