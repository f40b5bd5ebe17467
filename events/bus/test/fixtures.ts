import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { startBroker, type BrokerHandle } from '../../../compose/embedded/kafka/src/index.ts';
import { startMongo } from '../../../compose/embedded/mongo/src/index.ts';
import { createEnvelope, type AnyEventEnvelope } from '../../contracts/index.ts';

const quiet = () => pino({ level: 'silent' });

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `tributary-bus-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function startMongoWithConnection(dataDir: string): Promise<{ connection: Connection; close(): Promise<void> }> {
  const server = await startMongo({ port: 0, dataDir, logger: quiet(), fsync: 'never' });
  const connection = await mongoose.createConnection(server.uri, { dbName: 'bus_test', serverSelectionTimeoutMS: 5_000 }).asPromise();
  return {
    connection,
    async close() {
      await connection.close();
      await server.close();
    },
  };
}

export function startKafka(dataDir: string, port = 0): Promise<BrokerHandle> {
  return startBroker({ port, dataDir, logger: quiet(), fsync: 'never', autoCreateTopics: false });
}

export function kafkaClient(address: string, clientId = 'bus-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [address],
    logLevel: logLevel.NOTHING,
    // Tests stop the broker on purpose: fail fast, let the relay's own backoff take over.
    retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 300 },
    connectionTimeout: 1_000,
  });
}

const actor = { customerId: 'customer-1', role: 'customer' } as const;

/** `count` valid catalogue events for one order stream, versions from+1 .. from+count. */
export function orderEvents(orderId: string, from: number, count: number): AnyEventEnvelope[] {
  return Array.from({ length: count }, (_, i) => {
    const aggregateVersion = from + i + 1;
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, aggregateVersion)).toISOString();
    const metadata = {
      id: randomUUID(),
      aggregateId: orderId,
      aggregateVersion,
      occurredAt: at,
      correlationId: orderId,
      causationId: `cmd-${orderId}-${aggregateVersion}`,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      actor,
    };
    return aggregateVersion === 1
      ? createEnvelope(
          {
            type: 'OrderPlaced',
            data: { orderId, customerId: actor.customerId, items: [{ sku: 'SKU-1', quantity: 1 }], idempotencyKey: null, paymentMethod: 'pm_card_ok', placedAt: at },
          },
          metadata,
        )
      : createEnvelope({ type: 'OrderShipped', data: { orderId, shippedAt: at } }, metadata);
  });
}

/** Polls `check` until it returns true; bounded in time so a broken run fails instead of hanging. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
