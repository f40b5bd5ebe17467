import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@tributary/telemetry';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type BrokerHandle } from '../../../compose/embedded/kafka/src/index.ts';
import { startMongo, type RunningMongoServer } from '../../../compose/embedded/mongo/src/index.ts';
import { createOrderApp } from '../src/app.ts';

const logger = createLogger('order-app-test', 'silent');
let dir: string;
let broker: BrokerHandle;
let mongo: RunningMongoServer;
let connection: Connection;

function kafkaClient(): Kafka {
  return new Kafka({ clientId: 'order-app-test', brokers: [broker.address], logLevel: logLevel.NOTHING });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-order-app-'));
  broker = await startBroker({ port: 0, dataDir: path.join(dir, 'kafka'), logger, fsync: 'never' });
  mongo = await startMongo({ port: 0, dataDir: path.join(dir, 'mongo'), logger, fsync: 'never' });
  connection = await mongoose.createConnection(`${mongo.uri}/tributary_order`).asPromise();
});

afterAll(async () => {
  await connection?.close();
  await broker?.close();
  await mongo?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('order app lifecycle', () => {
  it('a stop() that arrives during start() waits for it, then stops everything that started', async () => {
    const app = createOrderApp({
      config: { host: '127.0.0.1', port: 0, kafkaPartitions: 1 },
      logger,
      connection,
      kafka: kafkaClient(),
      projectorGroupId: 'order.read-model.lifecycle-test',
    });
    const starting = app.start();
    const stopping = app.stop();
    const [started, stopped] = await Promise.allSettled([starting, stopping]);
    expect(stopped.status).toBe('fulfilled');
    expect(app.relay.status().running).toBe(false);
    if (started.status === 'fulfilled') {
      expect(await listening(Number(new URL(started.value).port))).toBe(false);
    }
  });
});
