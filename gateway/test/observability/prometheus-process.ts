import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** An executable on PATH (Debian's prometheus package installs /usr/bin/prometheus and /usr/bin/promtool). */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PrometheusQueryResult {
  status: 'success' | 'error';
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  errorType?: string;
  error?: string;
}

export interface PrometheusProcess {
  url: string;
  /** GET on the HTTP API, e.g. api('/api/v1/targets'). */
  api<T = unknown>(pathAndQuery: string): Promise<T>;
  /** An instant query. */
  query(expr: string): Promise<PrometheusQueryResult>;
  /** The last lines Prometheus logged (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;

/**
 * Starts `prometheus` on a free port of 127.0.0.1 with the given config and storage directory,
 * and resolves once /-/ready answers. A port taken between choosing and binding is retried on
 * another one. The process is killed when the test process exits, whatever happens.
 */
export async function startPrometheus(options: { binary: string; configFile: string; storageDir: string }): Promise<PrometheusProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      lastError = error;
      if (!String(error).includes('address already in use')) throw error;
    }
  }
  throw lastError;
}

async function startOnce(options: { binary: string; configFile: string; storageDir: string }, port: number): Promise<PrometheusProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    options.binary,
    [`--config.file=${options.configFile}`, `--storage.tsdb.path=${options.storageDir}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const output = () => lines.join('\n');

  async function stop(): Promise<void> {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`prometheus exited before it was ready:\n${output()}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready after ${READY_TIMEOUT_MS} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  async function api<T>(pathAndQuery: string): Promise<T> {
    const response = await fetch(`${url}${pathAndQuery}`);
    return (await response.json()) as T;
  }
  return {
    url,
    api,
    query: (expr) => api<PrometheusQueryResult>(`/api/v1/query?${new URLSearchParams({ query: expr })}`),
    output,
    stop,
  };
}
