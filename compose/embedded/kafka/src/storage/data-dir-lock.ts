// One broker per data directory: a second one would replay and append to the same segment files
// and rewrite offsets.jsonl under the first (committed offsets lost). The lock itself is shared
// with the embedded MongoDB (@tributary/embedded-data-dir-lock).
import { join } from 'node:path';
import { lockDataDir as lockDirectory } from '@tributary/embedded-data-dir-lock';

export const LOCK_FILE = 'broker.lock';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `data directory ${dataDir} is in use by another broker (pid ${holderPid}, ${join(dataDir, LOCK_FILE)}); ` +
        'stop that one or use another --data-dir',
    );
  }
}

/** Takes the directory's lock; resolves to its release function. Throws DataDirLockedError when held. */
export function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  return lockDirectory(dataDir, { file: LOCK_FILE, heldBy: (pid) => new DataDirLockedError(dataDir, pid) });
}
