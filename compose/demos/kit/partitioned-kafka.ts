import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBroker } from '@tributary/embedded-kafka';
import pino from 'pino';

/**
 * An embedded Kafka broker whose auto-created topics get `partitions` partitions, for a stack
 * started with KAFKA_BROKERS pointing at it. Why: the launcher's broker auto-creates topics with
 * 1 partition, and a consumer that subscribes to another service's topic before that service
 * created it (with KAFKA_PARTITIONS) makes it a 1-partition topic; about every other fresh stack
 * then has tributary.order and tributary.inventory on one partition, which only one replica can
 * own. In this process, so it can never outlive the demo.
 */
export async function startPartitionedKafka(partitions: number): Promise<{ brokers: string[]; close(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-demo-kafka-'));
  const broker = await startBroker({
    port: 0,
    dataDir,
    defaultPartitions: partitions,
    logger: pino({ level: 'error' }, pino.destination(2)),
  });
  return {
    brokers: [broker.address],
    async close() {
      await broker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
