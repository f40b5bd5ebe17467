import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStackConfig, REPO_ROOT } from '../src/config.ts';
import { PID_FILE } from '../src/data-dir.ts';
import { launchStack, type StackHandle } from '../src/launch.ts';
import { silentSink } from '../src/output.ts';
import { processGroupAlive } from '../src/processes.ts';

/**
 * The real stack from this repository: embedded Kafka, MongoDB, Redis, payment provider and SMTP
 * sink (plus whichever subgraphs and gateway exist), checked with the real clients, then stopped.
 */

let dataDir: string;
let stack: StackHandle | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-stack-'));
  // Only what this test decides: no inherited server URLs or auth settings, free ports everywhere.
  const inherited = { ...process.env };
  const decided = ['KAFKA_BROKERS', 'MONGO_URL', 'REDIS_URL', 'PAYMENT_PROVIDER_URL', 'SMTP_URL', 'JWT_SECRET', 'JWT_SECRET_FILE', 'JWKS_URL'];
  for (const name of [...decided, 'GATEWAY_SIGNING_KEY', 'GATEWAY_SIGNING_KEY_FILE', 'GATEWAY_PUBLIC_KEY', 'GATEWAY_PUBLIC_KEY_FILE']) {
    delete inherited[name];
  }
  const config = parseStackConfig({
    ...inherited,
    DATA_DIR: dataDir,
    KAFKA_PORT: '0',
    MONGO_PORT: '0',
    REDIS_PORT: '0',
    PAYMENT_PROVIDER_PORT: '0',
    SMTP_PORT: '0',
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'warn',
  });
  stack = await launchStack({ config, sink: silentSink });
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function tcpConnects(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The first line an SMTP server sends (its 220 greeting). */
function smtpGreeting(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.setEncoding('utf8');
    socket.once('data', (chunk: string) => {
      socket.end('QUIT\r\n');
      resolve(chunk.split('\r\n')[0] ?? '');
    });
    socket.once('error', reject);
  });
}

describe('launchStack on this repository', () => {
  it('serves Kafka to kafkajs', async () => {
    const admin = new Kafka({ clientId: 'stack-test', brokers: stack!.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'stack-test', numPartitions: 1 }] });
      expect(await admin.listTopics()).toContain('stack-test');
    } finally {
      await admin.disconnect();
    }
  });

  it('serves MongoDB to mongoose', async () => {
    const connection = await mongoose.createConnection(`${stack!.mongoUrl}/stack_test`, { serverSelectionTimeoutMS: 5000 }).asPromise();
    try {
      expect(await connection.db!.admin().ping()).toMatchObject({ ok: 1 });
    } finally {
      await connection.close();
    }
  });

  it('serves Redis to ioredis', async () => {
    const redis = new Redis(stack!.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });

  it('serves the payment provider over HTTP and the SMTP sink, whose mail goes under DATA_DIR', async () => {
    const health = await fetch(`${stack!.paymentProviderUrl}/health`);
    expect(health.status).toBe(200);
    expect(await smtpGreeting(stack!.smtpUrl!)).toMatch(/^220 /);
    expect(stack!.mailDir).toBe(path.join(dataDir, 'smtp', 'mail'));
    expect(stack!.summary.mail?.dir).toBe(stack!.mailDir);
  });

  it('keeps the servers data and the gateway key pair under DATA_DIR and runs the gateway when it exists', async () => {
    expect(existsSync(path.join(dataDir, 'kafka'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'mongo'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'auth', 'gateway-signing-key.pem'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'auth', 'gateway-public-key.pem'))).toBe(true);
    if (existsSync(path.join(REPO_ROOT, 'gateway/src/main.ts'))) {
      expect(stack!.gatewayUrl).toMatch(/^http:\/\/localhost:\d+\/graphql$/);
      expect(await tcpConnects(stack!.gatewayUrl!)).toBe(true);
      expect(existsSync(path.join(dataDir, 'auth', 'jwt-secret'))).toBe(true);
    } else {
      expect(stack!.summary.skipped).toContain('gateway');
    }
  });

  it('stops every child process and releases DATA_DIR', async () => {
    const children = stack!.children;
    expect(children.map((c) => c.name)).toEqual(expect.arrayContaining(['kafka', 'mongo', 'redis', 'payment-provider', 'smtp']));
    await stack!.stop();
    let gone = false;
    for (let attempt = 0; attempt < 60 && !gone; attempt += 1) {
      gone = children.every((c) => !processGroupAlive(c.pid));
      if (!gone) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(gone).toBe(true);
    expect(existsSync(path.join(dataDir, PID_FILE))).toBe(false);
    expect(await tcpConnects(`redis://${stack!.redisUrl.slice('redis://'.length)}`)).toBe(false);
  });
});
