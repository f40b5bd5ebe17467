import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** tsx's loader, given to `node --import` as a URL so it resolves from any working directory. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const REAPER = fileURLToPath(new URL('./reaper.ts', import.meta.url));

/**
 * Starts reaper.ts for this launcher: detached (a session and process group of its own, so
 * neither a Ctrl-C nor a closing terminal reaches it), no stdio (nothing ties it to us), unref'd
 * (the launcher may exit without waiting for it). Returns its pid.
 */
export function startReaper(launcherPid: number, dataDir: string, graceMs: number): number {
  const reaper = spawn(process.execPath, ['--import', TSX_LOADER, REAPER, String(launcherPid), dataDir, String(graceMs)], {
    cwd: dataDir,
    detached: true,
    stdio: 'ignore',
  });
  reaper.on('error', () => {}); // reported by the missing pid below
  reaper.unref();
  if (!reaper.pid) throw new Error('could not start the stack watchdog (reaper.ts)');
  return reaper.pid;
}

/** Sent once the launcher has stopped every child itself. */
export function stopReaper(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
