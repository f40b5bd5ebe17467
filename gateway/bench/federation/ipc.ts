// Messages between run.ts and its child processes (subgraphs, one gateway at a time), over the
// Node IPC channel; one request kind each, so a child answers with exactly one message.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type ChildMessage =
  | { type: 'ready'; urls: Record<string, string> }
  | { type: 'counts'; counts: Record<string, number> }
  | { type: 'failed'; message: string };

const TASKSET_AVAILABLE = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Whether CPU pinning is in effect (taskset exists and works here). */
export function cpuPinning(): boolean {
  return TASKSET_AVAILABLE;
}

/** Pins this process (the load generator) to a core, when taskset exists. */
export function pinSelf(core: number): void {
  if (TASKSET_AVAILABLE) spawnSync('taskset', ['-cp', String(core), String(process.pid)]);
}

/**
 * Starts a TypeScript entry point (tsx) in its own process, pinned to `core` when taskset exists;
 * `args` travel as one JSON argument so the child reads no environment.
 */
export function startChild(entry: URL, core: number, args: unknown): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', fileURLToPath(entry), JSON.stringify(args)];
  const [command, ...rest] = TASKSET_AVAILABLE ? ['taskset', '-c', String(core), ...node] : node;
  return spawn(command!, rest, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** The next message of a kind from a child, or a rejection when it fails or exits first. */
export function nextMessage<T extends ChildMessage['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no '${type}' message from the child within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: ChildMessage) => {
      if (message.type === type) finish(undefined, message as Extract<ChildMessage, { type: T }>);
      else if (message.type === 'failed') finish(new Error(message.message));
    };
    const onExit = (code: number | null) => finish(new Error(`child exited (code ${code}) before sending '${type}'`));
    function finish(error?: Error, message?: Extract<ChildMessage, { type: T }>) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Stops a child and waits for it to be gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

/** A child ends with its parent: run.ts may be interrupted without a chance to stop it. */
export function exitWithParent(): void {
  process.once('disconnect', () => process.exit(0));
}

/** Reports a startup failure to the parent (when there is one) and exits non-zero. */
export function failChild(error: unknown): never {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.send?.({ type: 'failed', message } satisfies ChildMessage);
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
