import type { Admin, Kafka } from 'kafkajs';
import { opsKafka } from './clients.ts';
import { loadOpsConfig, type OpsConfig } from './config.ts';

/**
 * What both CLIs share: fail with one clear line on stderr and a non-zero exit code (never a
 * stack trace for an operator's mistake), and a connected Kafka admin.
 */
export async function runCli(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message ?? String(error)}\n`);
    process.exitCode = 1;
  }
}

export async function withKafkaAdmin<T>(config: OpsConfig, use: (kafka: Kafka, admin: Admin) => Promise<T>): Promise<T> {
  const kafka = opsKafka(config.kafkaBrokers);
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`cannot reach Kafka at ${config.kafkaBrokers.join(',')}: ${(error as Error).message}`);
  }
  try {
    return await use(kafka, admin);
  } finally {
    await admin.disconnect();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export { loadOpsConfig };
