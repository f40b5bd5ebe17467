import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real server binary; REDIS_SERVER_BIN overrides it (e.g. a Redis built elsewhere). */
const redisServerBin = process.env['REDIS_SERVER_BIN'] ?? 'redis-server';

/** Why a real redis-server cannot be used here, or undefined when it can. */
export function realRedisUnavailableReason(): string | undefined {
  const probe = spawnSync(redisServerBin, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    return `${redisServerBin} not found or not runnable (install Redis 7 or set REDIS_SERVER_BIN to compare against a real server)`;
  }
  return undefined;
}

export interface RealRedis {
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
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

/** Resolves once the server answers PING with +PONG, polling for at most `timeoutMs`. */
async function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
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
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

/** Spawns a throwaway redis-server: free port, loopback only, no persistence, temp working dir. */
export async function startRealRedis(): Promise<RealRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-real-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    redisServerBin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPong(port, 10_000);
  } catch (cause) {
    child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
    throw cause;
  }
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
