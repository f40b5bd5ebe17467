import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * DATA_DIR bookkeeping: the pid file that says "a stack runs on this directory", and wiping.
 * The pid file lists the launcher and its children, so a launcher killed with SIGKILL (children
 * orphaned, still holding the data files) still counts as running until those are gone too.
 */

export const PID_FILE = 'stack.pid';

export interface StackPidFile {
  pid: number;
  startedAt: string;
  children: { name: string; pid: number }[];
}

function alive(pid: number): boolean {
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

async function refuseIfRunning(dataDir: string, action: string): Promise<void> {
  const live = await runningStackPids(dataDir);
  if (live.length > 0) {
    const list = live.map((entry) => `${entry.name} (pid ${entry.pid})`).join(', ');
    throw new StackRunningError(`a stack is running on ${dataDir}: ${list}; stop it before you ${action}`);
  }
}

/** Claims DATA_DIR for this launcher; refuses when another live stack already has it. */
export async function writePidFile(dataDir: string, content: StackPidFile): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, PID_FILE);
  try {
    await writeFile(file, JSON.stringify(content), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await refuseIfRunning(dataDir, 'start another one');
    // A stale file from a stack that died without cleaning up.
    await writeFile(file, JSON.stringify(content));
  }
}

/** Rewrites the pid file (the launcher adds each child as it starts). */
export async function updatePidFile(dataDir: string, content: StackPidFile): Promise<void> {
  await writeFile(path.join(dataDir, PID_FILE), JSON.stringify(content));
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
  await refuseIfRunning(dataDir, 'reset its data');
  await rm(dataDir, { recursive: true, force: true });
}
