import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One server per data directory (two would append to the same files): a lock file created with
 * O_EXCL holding the owner's pid. A lock whose pid is no longer alive (a server killed with
 * SIGKILL) is taken over. Shared by the embedded Kafka broker and MongoDB server.
 */
export interface DataDirLockOptions {
  /** The lock file's name inside the directory. */
  file: string;
  /** The error to throw when a live process holds the lock. */
  heldBy(holderPid: number): Error;
}

export function isAlive(pid: number): boolean {
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

/** Takes the directory's lock; resolves to its release function. Throws `heldBy(pid)` when a live process holds it. */
export async function lockDataDir(dataDir: string, options: DataDirLockOptions): Promise<() => Promise<void>> {
  const file = join(dataDir, options.file);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        // Only our own lock: never delete one another process took over meanwhile.
        const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
        if (owner === process.pid) await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) throw options.heldBy(owner);
      // Stale (its server died without closing) or torn: take it over.
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock data directory ${dataDir} (${file})`);
}
