/**
 * Throughput of the embedded server next to a real redis-server, measured with ioredis in one
 * run: sequential and pipelined GET/SET, and pub/sub delivery. Counts are bounded so the whole
 * run stays well under a minute. Progress goes to stderr, the result table to stdout.
 *   npm run bench:redis
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { realRedisUnavailableReason, startRealRedis } from '../test/support/real-redis.ts';

const SEQUENTIAL_OPS = 20_000;
const PIPELINE_BATCH = 100;
const PIPELINE_BATCHES = 500;
const PUBSUB_MESSAGES = 100_000;
const PUBSUB_TIMEOUT_MS = 20_000;
const VALUE = 'v'.repeat(100);

interface Target {
  name: string;
  start(): Promise<{ url: string; close(): Promise<void> }>;
}

type Results = Map<string, number>;

function progress(message: string): void {
  process.stderr.write(`[bench:redis] ${message}\n`);
}

async function timed(ops: number, work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return ops / ((performance.now() - started) / 1000);
}

async function sequential(client: Redis, command: 'set' | 'get'): Promise<number> {
  return timed(SEQUENTIAL_OPS, async () => {
    for (let i = 0; i < SEQUENTIAL_OPS; i++) {
      if (command === 'set') await client.set(`bench:${i}`, VALUE);
      else await client.get(`bench:${i}`);
    }
  });
}

async function pipelined(client: Redis, command: 'set' | 'get'): Promise<number> {
  return timed(PIPELINE_BATCH * PIPELINE_BATCHES, async () => {
    for (let batch = 0; batch < PIPELINE_BATCHES; batch++) {
      const pipeline = client.pipeline();
      for (let i = 0; i < PIPELINE_BATCH; i++) {
        const key = `bench:${(batch * PIPELINE_BATCH + i) % SEQUENTIAL_OPS}`;
        if (command === 'set') pipeline.set(key, VALUE);
        else pipeline.get(key);
      }
      await pipeline.exec();
    }
  });
}

/** One publisher, one subscriber: messages per second from the first PUBLISH to the last delivery. */
async function pubsub(url: string): Promise<number> {
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  try {
    await subscriber.subscribe('bench:channel');
    let received = 0;
    const allReceived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received}/${PUBSUB_MESSAGES} messages arrived`)), PUBSUB_TIMEOUT_MS);
      subscriber.on('message', () => {
        received++;
        if (received === PUBSUB_MESSAGES) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    return await timed(PUBSUB_MESSAGES, async () => {
      // Publish in awaited windows of 1000 so neither side queues without bound.
      for (let sent = 0; sent < PUBSUB_MESSAGES; sent += 1_000) {
        const window = Math.min(1_000, PUBSUB_MESSAGES - sent);
        await Promise.all(Array.from({ length: window }, (_, i) => publisher.publish('bench:channel', `${VALUE}${sent + i}`)));
      }
      await allReceived;
    });
  } finally {
    publisher.disconnect();
    subscriber.disconnect();
  }
}

async function measure(target: Target): Promise<Results> {
  const server = await target.start();
  const client = new Redis(server.url);
  const results: Results = new Map();
  try {
    await client.flushall();
    const steps: Array<[string, () => Promise<number>]> = [
      ['SET sequential', () => sequential(client, 'set')],
      ['GET sequential', () => sequential(client, 'get')],
      [`SET pipelined x${PIPELINE_BATCH}`, () => pipelined(client, 'set')],
      [`GET pipelined x${PIPELINE_BATCH}`, () => pipelined(client, 'get')],
      ['PUBLISH -> message', () => pubsub(server.url)],
    ];
    for (const [name, step] of steps) {
      progress(`${target.name}: ${name}...`);
      results.set(name, await step());
    }
  } finally {
    client.disconnect();
    await server.close();
  }
  return results;
}

function printTable(embedded: Results, real: Results | undefined): void {
  const format = (value: number | undefined): string => (value === undefined ? 'n/a' : Math.round(value).toLocaleString('en-US'));
  const rows = [...embedded.keys()].map((name) => {
    const ours = embedded.get(name);
    const theirs = real?.get(name);
    const ratio = ours !== undefined && theirs !== undefined ? `${(ours / theirs).toFixed(2)}x` : 'n/a';
    return [name, format(ours), format(theirs), ratio];
  });
  const header = ['operation (ops/s)', 'embedded', 'redis-server', 'embedded/real'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

/**
 * The embedded server runs in its own process through the CLI, like real usage, so it does not
 * share an event loop with the benchmark's clients (which would halve its apparent speed).
 */
async function startEmbeddedProcess(): Promise<{ url: string; close(): Promise<void> }> {
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('embedded redis did not report readiness in 15 s')), 15_000);
    lines.on('line', (line) => {
      const match = /^redis server listening on (redis:\/\/\S+)$/.exec(line);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`embedded redis exited early with code ${code}`)));
  });
  const url = await ready;
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const embedded = await measure({ name: 'embedded', start: startEmbeddedProcess });
const skipReason = realRedisUnavailableReason();
if (skipReason !== undefined) progress(`skipping redis-server: ${skipReason}`);
const real = skipReason === undefined ? await measure({ name: 'redis-server', start: startRealRedis }) : undefined;
printTable(embedded, real);
