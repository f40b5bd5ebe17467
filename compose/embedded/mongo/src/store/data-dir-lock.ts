import path from 'node:path';
import { lockDataDir as lockDirectory } from '@tributary/embedded-data-dir-lock';

const LOCK_FILE = 'server.lock';

/**
 * Refuses a second server on the same data directory (two journal writers would corrupt it).
 * A lock left by a killed process (its pid no longer alive) is taken over.
 */
export function lockDataDir(dir: string): Promise<() => Promise<void>> {
  return lockDirectory(dir, {
    file: LOCK_FILE,
    heldBy: (pid) => new Error(`data directory ${dir} is in use by process ${pid} (${path.join(dir, LOCK_FILE)})`),
  });
}
