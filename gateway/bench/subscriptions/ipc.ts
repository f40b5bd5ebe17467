/**
 * Request/reply and notices over a child process's IPC channel: the bench driver's only control
 * path to the processes it starts (servers, load clients), so nothing in them listens on a port
 * the measured traffic does not need.
 */
import type { ChildProcess } from 'node:child_process';

type Handler = (payload: never) => unknown;
interface Call {
  kind: 'call';
  id: number;
  method: string;
  payload: unknown;
}
interface Reply {
  kind: 'reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}
interface Notice {
  kind: 'notice';
  topic: string;
  payload: unknown;
}

/** Memory after a full collection: what stays allocated, not what happens to be garbage yet. */
export async function settledMemory(): Promise<{ rss: number; heapUsed: number; external: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('this process must run with --expose-gc');
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

/** CPU time (user + system) this process used so far, in milliseconds. */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * The child side: answers the driver's calls with `handlers` (plus `memory`, `cpu`, `stop`), and
 * exits when the driver goes away (even kill -9 closes the channel), so no process outlives a run.
 */
export function serveDriver(handlers: Record<string, Handler>): { notify(topic: string, payload?: unknown): void } {
  if (!process.send) throw new Error('start this file from the bench driver (it needs an IPC channel)');
  const all: Record<string, Handler> = {
    memory: settledMemory,
    cpu: cpuMs,
    // After the reply is on its way; a process with something to close brings its own stop.
    stop: () => void setTimeout(() => process.exit(0), 20),
    ...handlers,
  };
  const send = (message: Reply | Notice) => process.send?.(message);
  process.on('message', (message: Call) => {
    if (message?.kind !== 'call') return;
    const handler = all[message.method];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`no method ${message.method}`);
        return handler(message.payload as never);
      })
      .then(
        (value) => send({ kind: 'reply', id: message.id, ok: true, value }),
        (error: unknown) => send({ kind: 'reply', id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  return { notify: (topic, payload) => send({ kind: 'notice', topic, payload }) };
}

/** The driver side of one child's channel. */
export class ChildChannel {
  private next = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(private readonly child: ChildProcess, private readonly name: string) {
    child.on('message', (message: Reply | Notice) => {
      if (message.kind === 'notice') {
        for (const listener of this.listeners.get(message.topic) ?? []) listener(message.payload);
        return;
      }
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new Error(`${this.name}: ${message.error}`));
    });
    child.once('exit', (code, signal) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`${this.name} exited (${signal ?? code}) during a call`));
      this.pending.clear();
    });
  }

  /** Calls `method` in the child; fails after `timeoutMs` so a stuck child cannot stall the run. */
  call<T>(method: string, payload?: unknown, timeoutMs = 60_000): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${method} did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      // A child that is gone (killed on abort) fails the call instead of throwing from send().
      if (!this.child.connected) return this.pending.get(id)?.reject(new Error(`${this.name} is not running`));
      this.child.send({ kind: 'call', id, method, payload } satisfies Call, (error) => error && this.pending.get(id)?.reject(error));
    });
  }

  on(topic: string, listener: (payload: unknown) => void): () => void {
    const set = this.listeners.get(topic) ?? new Set();
    set.add(listener);
    this.listeners.set(topic, set);
    return () => set.delete(listener);
  }
}
