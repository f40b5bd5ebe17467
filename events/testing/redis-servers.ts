import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RunningRedis } from '@tributary/embedded-redis';

/** A Redis for one test file, on 127.0.0.1 and a free port. */
export interface TestRedis {
  url: string;
  port: number;
  /** Stops it (if running) and starts an empty one on the same port: clients see a restart. */
  restart(): Promise<void>;
  /** Stops it (for "Redis is down" cases); restart() brings it back. */
  stop(): Promise<void>;
  /** Stops it for good and removes what it left on disk. */
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

/** A port that was free a moment ago (also a closed port, for "Redis is down" cases). */
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

async function startEmbedded(): Promise<TestRedis> {
  let server: RunningRedis | undefined = await startRedis({ port: 0 });
  const { port } = server;
  return {
    url: server.url,
    port,
    async stop() {
      await server?.close();
      server = undefined;
    },
    async restart() {
      await server?.close();
      server = await startRedis({ port });
    },
    async close() {
      await server?.close();
      server = undefined;
    },
  };
}

/** A real redis-server without persistence; it is started again on the same port by restart(). */
async function startRealRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    const spawned = spawn(redisServerBin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    child = spawned;
    // Bounded: 100 polls of at most ~550 ms each.
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (await answersPing(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    spawned.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer PING`);
  };
  const stopChild = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      await stopChild();
      await launch();
    },
    stop: stopChild,
    async close() {
      await stopChild();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let realRedisProbe: { reason: string | undefined } | undefined;

/** The embedded server the stack uses, and a real redis-server when one is installed. */
export const redisImplementations: RedisImplementation[] = [
  { name: 'embedded redis', unavailable: undefined, start: startEmbedded },
  {
    name: 'redis-server',
    // Probed on first use, not when a test merely imports the stack fixtures.
    get unavailable() {
      realRedisProbe ??= { reason: realRedisUnavailable() };
      return realRedisProbe.reason;
    },
    start: startRealRedis,
  },
];
