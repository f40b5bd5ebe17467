import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '@tributary/embedded-redis';

/**
 * The Redis implementations the rate-limit contract suite runs against: the embedded server the
 * stack uses and a real redis-server, both on 127.0.0.1 and a free port.
 */
export interface TestRedis {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface RedisImplementation {
  name: string;
  /** Why it cannot run here, or undefined. */
  unavailable: string | undefined;
  start(): Promise<TestRedis>;
}

const redisServerBin = process.env['REDIS_SERVER_BIN'] ?? 'redis-server';

function realRedisUnavailable(): string | undefined {
  const probe = spawnSync(redisServerBin, ['--version'], { encoding: 'utf8' });
  return probe.error !== undefined || probe.status !== 0 ? `${redisServerBin} is not runnable (install Redis 7 or set REDIS_SERVER_BIN)` : undefined;
}

/** A port that was free a moment ago (a closed port, for "Redis is down" cases). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(500, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString() === '+PONG\r\n');
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

async function startRealRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-ratelimit-redis-'));
  const port = await freePort();
  const child = spawn(redisServerBin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  // Bounded: 100 polls of at most ~550 ms each.
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await answersPing(port)) return { url: `redis://127.0.0.1:${port}`, port, close };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  await close();
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

export const redisImplementations: RedisImplementation[] = [
  {
    name: 'embedded redis',
    unavailable: undefined,
    start: async () => {
      const server = await startRedis();
      return { url: server.url, port: server.port, close: () => server.close() };
    },
  },
  { name: 'redis-server', unavailable: realRedisUnavailable(), start: startRealRedis },
];

/** Accepts connections and never answers: a Redis that is up but too slow. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
