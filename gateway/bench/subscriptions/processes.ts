/**
 * Starts the bench's processes (TypeScript through tsx), pinned to CPUs with taskset when it is
 * there, and makes sure none of them outlives the driver.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildChannel } from './ipc.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface BenchProcess {
  name: string;
  pid: number;
  channel: ChildChannel;
  /** What the process announced once it serves (e.g. its URL). */
  ready: Promise<unknown>;
  /** Asks it to stop (so profiles and sockets are closed properly), then kills it if it lingers. */
  stop(): Promise<void>;
}

/** Which CPUs each side gets: the server under test alone on one core, everything else on the rest. */
export interface CpuPlan {
  taskset: boolean;
  server?: string;
  others?: string;
  description: string;
}

export function planCpus(): CpuPlan {
  const cores = os.availableParallelism();
  let taskset = false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    taskset = true;
  } catch {
    // No taskset (or not allowed): the processes share the cores as the OS sees fit.
  }
  if (!taskset || cores < 2) return { taskset: false, description: `${cores} core(s), not pinned${taskset ? '' : ' (no taskset)'}` };
  const others = cores === 2 ? '1' : `1-${cores - 1}`;
  return { taskset, server: '0', others, description: `${cores} cores: server under test pinned to CPU 0, load clients and upstream to CPU ${others}` };
}

/** Open files one process may hold (each WebSocket is one), as the shell reports it. */
export function openFileLimit(): number {
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text);
  } catch {
    return Number.NaN;
  }
}

const started = new Set<ChildProcess>();

// Last resort (an exception, process.exit): the children get SIGKILL synchronously.
process.on('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

export function startProcess(name: string, script: string, options: { cpus?: string; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): BenchProcess {
  const node = [process.execPath, '--expose-gc', ...(options.nodeArgs ?? []), '--import', 'tsx', path.resolve(repoRoot, script)];
  const [command, ...args] = options.cpus ? ['taskset', '-c', options.cpus, ...node] : node;
  // stdout and stderr go to the driver's stderr: a crash shows, the table on stdout stays clean.
  const child = spawn(command!, args, { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 2, 2, 'ipc'] });
  started.add(child);
  // Spawn and IPC failures surface through `ready` and the calls; unhandled, they would crash the driver.
  child.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => started.delete(child));
  const channel = new ChildChannel(child, name);
  const ready = new Promise<unknown>((resolve, reject) => {
    const off = channel.on('ready', (payload) => {
      off();
      resolve(payload);
    });
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? code}) before it was ready`)));
  });
  ready.catch(() => undefined);
  return {
    name,
    pid: child.pid ?? -1,
    channel,
    ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await channel.call('stop', undefined, 10_000).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Kills every process still running (Ctrl-C, timeout), giving each a moment to exit on SIGTERM. */
export async function killAll(): Promise<void> {
  const children = [...started];
  for (const child of children) child.kill('SIGTERM');
  await Promise.race([
    Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve))))),
    new Promise((resolve) => setTimeout(resolve, 2_000)),
  ]);
  for (const child of started) child.kill('SIGKILL');
}
