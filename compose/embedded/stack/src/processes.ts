import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { LineSink } from './output.ts';

/** tsx's CLI, run with this very node binary so the children use the same Node version. */
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

export interface ChildSpec {
  name: string;
  /** The TypeScript entry file, run with tsx. */
  entry: string;
  args?: string[];
  cwd: string;
  env: Record<string, string>;
  /** `tsx watch`: restart on source changes (dev mode, services only). */
  watch?: boolean;
  /** The stdout line that says the child is ready; undefined for a one-shot task (ready = exited 0). */
  readyPattern?: RegExp;
  readyTimeoutMs: number;
  sink: LineSink;
  /** How many output lines to keep for error reports. */
  keepLines?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedChild {
  readonly name: string;
  readonly pid: number;
  /** What it was started with: a restart starts exactly this again. */
  readonly spec: ChildSpec;
  /** Resolves with the readiness line's match; rejects on timeout or when the child exits first. */
  readonly ready: Promise<RegExpExecArray | null>;
  /** Resolves once the child has exited and its output is drained. */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** True once stop() was called: an exit after that is expected. */
  isStopping(): boolean;
  lastLines(): string[];
  /** SIGTERM, then SIGKILL to the whole process group after `graceMs`. */
  stop(graceMs: number): Promise<ExitInfo>;
  /** Sends `signal` to the whole process group, its exit now expected; resolves once it has exited. */
  kill(signal: NodeJS.Signals): Promise<ExitInfo>;
}

export class ChildStartError extends Error {
  override name = 'ChildStartError';
  constructor(
    message: string,
    readonly child: string,
    readonly lastLines: string[],
  ) {
    super(message);
  }
}

function describeExit({ code, signal }: ExitInfo): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** True while any process of the group led by `pid` is alive (signal 0 only checks). */
export function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

// Not unref'd: while the launcher stops its children, these timers may be all that keeps it alive.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Once the leader has exited: anything left in its group (a grandchild that outlived it) goes too. */
async function sweepGroup(pid: number): Promise<void> {
  for (let attempt = 0; processGroupAlive(pid) && attempt < 20; attempt += 1) {
    signalGroup(pid, attempt < 10 ? 'SIGTERM' : 'SIGKILL');
    await sleep(50);
  }
}

/**
 * Starts `tsx [watch] entry args` as the leader of its own process group. Its own group means a
 * Ctrl-C in the terminal reaches only the launcher, which then stops the children in order; and
 * SIGKILL to the group also takes down the node process that tsx runs underneath.
 */
export function startChild(spec: ChildSpec): ManagedChild {
  const tsxArgs = spec.watch ? ['watch', '--clear-screen=false'] : [];
  const child = spawn(process.execPath, [TSX_CLI, ...tsxArgs, spec.entry, ...(spec.args ?? [])], {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = spec.keepLines ?? 30;
  const recent: string[] = [];
  let exitInfo: ExitInfo | undefined;
  let stopping = false;
  let readyMatch: RegExpExecArray | null | undefined;

  let resolveReady!: (match: RegExpExecArray | null) => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<RegExpExecArray | null>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // The launcher may never await `ready` (e.g. it stops early); an unobserved rejection must not crash it.
  ready.catch(() => {});

  const failStart = (reason: string) => {
    if (readyMatch !== undefined) return;
    readyMatch = null;
    rejectReady(new ChildStartError(`${spec.name} ${reason}`, spec.name, [...recent]));
  };

  const onLine = (stream: 'stdout' | 'stderr') => (line: string) => {
    recent.push(line);
    if (recent.length > keep) recent.shift();
    spec.sink(spec.name, stream, line);
    if (stream === 'stdout' && spec.readyPattern && readyMatch === undefined) {
      const match = spec.readyPattern.exec(line);
      if (match) {
        readyMatch = match;
        resolveReady(match);
      }
    }
  };
  const stdoutDone = new Promise<void>((resolve) =>
    createInterface({ input: child.stdout }).on('line', onLine('stdout')).on('close', resolve),
  );
  const stderrDone = new Promise<void>((resolve) =>
    createInterface({ input: child.stderr }).on('line', onLine('stderr')).on('close', resolve),
  );

  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      exitInfo = { code: null, signal: null };
      failStart(`could not be started: ${error.message}`);
      resolve(exitInfo);
    });
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      // Drain the last lines for the error report, but do not wait forever on a pipe that an
      // orphaned grandchild still holds open.
      void Promise.race([Promise.all([stdoutDone, stderrDone]), sleep(1000)]).then(() => {
        if (!spec.readyPattern && code === 0) {
          readyMatch = null;
          resolveReady(null);
        } else {
          failStart(`${describeExit(exitInfo as ExitInfo)} before it was ready`);
        }
        resolve(exitInfo as ExitInfo);
      });
    });
  });

  const timer = setTimeout(() => failStart(`was not ready within ${spec.readyTimeoutMs} ms`), spec.readyTimeoutMs);
  timer.unref();
  void ready.finally(() => clearTimeout(timer)).catch(() => {});

  const pid = child.pid ?? -1;
  return {
    name: spec.name,
    pid,
    spec,
    ready,
    exited,
    hasExited: () => exitInfo !== undefined,
    isStopping: () => stopping,
    lastLines: () => [...recent],
    async stop(graceMs) {
      stopping = true;
      if (pid <= 0) return exited;
      // Only the leader gets SIGTERM: tsx relays it to the node process it runs, which must see it
      // exactly once (a second SIGTERM often means "stop now" to a graceful-shutdown handler).
      if (!exitInfo) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      let graceTimer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => (graceTimer = setTimeout(() => resolve(false), graceMs))),
      ]);
      clearTimeout(graceTimer);
      if (!inTime) signalGroup(pid, 'SIGKILL');
      const info = await exited;
      await sweepGroup(pid);
      return info;
    },
    async kill(signal) {
      stopping = true;
      if (pid <= 0) return exited;
      if (!exitInfo) signalGroup(pid, signal);
      const info = await exited;
      await sweepGroup(pid);
      return info;
    },
  };
}
