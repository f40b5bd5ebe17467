import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

const LOCK_FILE = 'server.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A server killed with SIGKILL stays a zombie until its parent reaps it (the launcher runs it
  // under tsx, so that parent is init, which takes its time): it answers kill(0) but holds nothing.
  return processState(pid) !== 'Z';
}

/** Linux: the state letter of /proc/<pid>/stat ("pid (comm) S ..."; comm may hold ')'); '' elsewhere. */
function processState(pid: number): string {
  let stat = '';
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return '';
  }
  return stat.charAt(stat.lastIndexOf(')') + 2);
}

/**
 * Refuses a second server on the same data directory (two journals writers would corrupt it).
 * A lock left by a killed process (its pid no longer alive) is taken over.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, String(process.pid), { flag: 'wx' });
      return () => fs.rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(`data directory ${dir} is in use by process ${owner} (${file})`);
      }
      await fs.rm(file, { force: true });
    }
  }
  throw new Error(`could not lock data directory ${dir}`);
}
