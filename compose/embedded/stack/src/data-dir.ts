import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * DATA_DIR bookkeeping: the pid file that says "a stack runs on this directory", and wiping.
 * The pid file lists the launcher and its children, so a launcher killed with SIGKILL (children
 * orphaned, still holding the data files) still counts as running until those are gone too.
 */

export const PID_FILE = 'stack.pid';

export interface RecordedChild {
  name: string;
  /** Also its process group id: every child leads a group of its own. */
  pid: number;
  /** Start stage (servers 0, subgraphs 1, gateway 2); children stop in reverse stage order. */
  stage?: number;
}

export interface StackPidFile {
  pid: number;
  startedAt: string;
  children: RecordedChild[];
  /** The watchdog that stops the children if the launcher dies without doing so (reaper.ts). */
  reaper?: number;
  /** Where the running stack listens: what operator tools (`npm run dlq`, `npm run rebuild`, demos) connect to. */
  addresses?: StackAddresses;
}

export interface StackAddresses {
  kafkaBrokers: string[];
  /** The MongoDB server, without a database (each service has its own, see services.ts). */
  mongoUrl: string;
  redisUrl: string;
  /** Set once the gateway is up. */
  gatewayUrl?: string;
  /** Every running subgraph instance (replicas included), once they are up. */
  subgraphs?: { name: string; url: string }[];
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readPidFile(dataDir: string): Promise<StackPidFile | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, PID_FILE), 'utf8')) as StackPidFile;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    // A torn or foreign file says nothing about a live stack.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** The live processes recorded in DATA_DIR's pid file (empty when no stack runs there). */
export async function runningStackPids(dataDir: string): Promise<{ name: string; pid: number }[]> {
  const file = await readPidFile(dataDir);
  if (!file) return [];
  return [{ name: 'launcher', pid: file.pid }, ...(file.children ?? [])].filter(
    (entry) => Number.isInteger(entry.pid) && entry.pid > 0 && alive(entry.pid),
  );
}

export class StackRunningError extends Error {
  override name = 'StackRunningError';
}

/** The command that stops the stack on `dataDir` (DATA_DIR spelled out unless it is the default). */
export function stopCommand(dataDir: string, repoRoot?: string): string {
  const usual = repoRoot ? path.join(repoRoot, '.data') : undefined;
  return path.resolve(dataDir) === usual ? 'npm run stop' : `DATA_DIR=${dataDir} npm run stop`;
}

/**
 * Why DATA_DIR is taken, in words a person can act on: a live launcher, or a stale stack (its
 * launcher is gone but children still run) with each process's name and pid; undefined when free.
 */
export async function describeRunningStack(dataDir: string, repoRoot?: string): Promise<string | undefined> {
  const live = await runningStackPids(dataDir);
  if (live.length === 0) return undefined;
  const file = (await readPidFile(dataDir)) as StackPidFile;
  const list = live.filter((entry) => entry.name !== 'launcher').map((entry) => `${entry.name} (pid ${entry.pid})`).join(', ');
  const stop = stopCommand(dataDir, repoRoot);
  if (alive(file.pid)) {
    return `a stack is running on ${dataDir} (launcher pid ${file.pid}, started ${file.startedAt}); stop it with \`${stop}\` or Ctrl-C in its terminal`;
  }
  const reaper = file.reaper && alive(file.reaper) ? ` (its watchdog, pid ${file.reaper}, is stopping them; try again in a few seconds)` : '';
  return `a stale stack holds ${dataDir}: its launcher (pid ${file.pid}) is gone but these processes still run: ${list}${reaper}; stop them with \`${stop}\``;
}

async function refuseIfRunning(dataDir: string, action: string, repoRoot?: string): Promise<void> {
  const running = await describeRunningStack(dataDir, repoRoot);
  if (running) throw new StackRunningError(`cannot ${action}: ${running}`);
}

/** Claims DATA_DIR for this launcher; refuses when another live stack already has it. */
export async function writePidFile(dataDir: string, content: StackPidFile, repoRoot?: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, PID_FILE);
  try {
    await writeFile(file, JSON.stringify(content), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await refuseIfRunning(dataDir, 'start a stack', repoRoot);
    // A stale file from a stack that died without cleaning up.
    await updatePidFile(dataDir, content);
  }
}

/**
 * Rewrites the pid file (the launcher adds each child as it starts). Written aside and renamed
 * over, so a reader (the reaper, `npm run stop`) never sees a torn file, even if the launcher is
 * killed in the middle of a write.
 */
export async function updatePidFile(dataDir: string, content: StackPidFile): Promise<void> {
  const file = path.join(dataDir, PID_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(content));
  await rename(temporary, file);
}

export async function removePidFile(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, PID_FILE), { force: true });
}

/** Directories that a mistyped DATA_DIR must never wipe. */
function isProtected(dataDir: string, repoRoot: string): boolean {
  const resolved = path.resolve(dataDir);
  const relativeToDir = (outer: string, inner: string) => {
    const rel = path.relative(outer, inner);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  return (
    resolved === path.parse(resolved).root ||
    resolved === os.homedir() ||
    relativeToDir(resolved, repoRoot) // DATA_DIR is the repository or contains it
  );
}

/** Deletes DATA_DIR (event logs, databases, mail, the dev JWT secret, the gateway key pair). Refuses while a stack runs on it. */
export async function wipeDataDir(dataDir: string, repoRoot: string): Promise<void> {
  if (isProtected(dataDir, repoRoot)) {
    throw new Error(`refusing to wipe ${dataDir}: it is /, your home directory or contains the repository`);
  }
  await refuseIfRunning(dataDir, `wipe ${dataDir}`, repoRoot);
  await rm(dataDir, { recursive: true, force: true });
}
