import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { brokerCli, repoRoot } from './repo-paths.ts';
import { withTimeout } from './wait.ts';

export interface ChildBroker {
  address: string;
  port: number;
  child: ChildProcess;
  /** Everything the broker wrote to stderr so far (pino logs), for assertions and failure output. */
  stderr(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL: the crash case, no chance to flush or close anything. */
  kill(): Promise<void>;
}

const readiness = /kafka broker listening on (127\.0\.0\.1):(\d+)/;

/**
 * Runs the broker CLI in its own Node process (through tsx) and waits for its readiness line.
 * A separate process is what crash tests need (SIGKILL) and what a fair benchmark needs (the
 * broker does not share an event loop with the clients that measure it).
 */
export async function spawnChildBroker(options: {
  dataDir: string;
  port?: number;
  fsync?: 'always' | 'never';
  /** pino level for the broker's stderr; default KAFKA_BROKER_LOG or 'info' (stderr is captured) */
  logLevel?: string;
  readyTimeoutMs?: number;
}): Promise<ChildBroker> {
  // e.g. KAFKA_BROKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the broker under the bench
  const nodeArgs = process.env.KAFKA_BROKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const args = [...nodeArgs, '--import', 'tsx', brokerCli, '--port', String(options.port ?? 0), '--data-dir', options.dataDir];
  args.push('--log-level', options.logLevel ?? process.env.KAFKA_BROKER_LOG ?? 'info');
  if (options.fsync) args.push('--fsync', options.fsync);
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    // Bounded so a chatty broker cannot grow test memory without limit.
    stderr = (stderr + chunk).slice(-200_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<{ host: string; port: number }>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = readiness.exec(line);
      if (match) resolve({ host: match[1]!, port: Number(match[2]) });
    });
    void exited.then((code) => reject(new Error(`broker exited (code ${code}) before ready:\n${stderr}`)));
  });
  let endpoint: { host: string; port: number };
  try {
    endpoint = await withTimeout('child broker readiness line', ready, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    address: `${endpoint.host}:${endpoint.port}`,
    port: endpoint.port,
    child,
    stderr: () => stderr,
    async stop(graceMs = 5_000) {
      if (!isRunning()) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (isRunning()) child.kill('SIGKILL');
      await exited;
    },
  };
}
