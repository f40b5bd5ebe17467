/**
 * `npm run stop`: stops the stack running on DATA_DIR from another terminal. Reads
 * DATA_DIR/stack.pid; a live launcher gets SIGTERM and stops its children itself (in order); if
 * it does not finish in time, or is already gone (killed, crashed), the children recorded in the
 * pid file are stopped here (SIGTERM, SIGKILL after STOP_GRACE_MS). Exit 0 when nothing runs
 * (anymore), 1 when something could not be stopped.
 */
import { readStackConfig } from './config.ts';
import { alive, readPidFile, removePidFile, runningStackPids } from './data-dir.ts';
import { groupRunning, stopRecordedChildren } from './stop-recorded.ts';

const say = (message: string) => process.stdout.write(`stop: ${message}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

async function main(): Promise<number> {
  const config = readStackConfig();
  const { dataDir, stopGraceMs } = config;
  const file = await readPidFile(dataDir);
  const live = await runningStackPids(dataDir);
  if (!file || live.length === 0) {
    if (file) await removePidFile(dataDir);
    say(`no stack is running on ${dataDir}${file ? ' (removed a stale pid file)' : ''}`);
    return 0;
  }
  const started = Date.now();
  const children = file.children ?? [];
  if (alive(file.pid)) {
    say(`stopping the stack on ${dataDir} (launcher pid ${file.pid}, ${children.length} children)`);
    process.kill(file.pid, 'SIGTERM');
    // The launcher stops the stages one after another, each within the grace period.
    const stages = new Set(children.map((child) => child.stage ?? 0)).size || 1;
    if (!(await waitForExit(file.pid, stages * stopGraceMs + 5_000))) {
      say(`the launcher (pid ${file.pid}) did not exit in time; killing it and stopping its children here`);
      process.kill(file.pid, 'SIGKILL');
      await waitForExit(file.pid, 2_000);
    }
  } else {
    say(`the launcher (pid ${file.pid}) is gone; stopping what it left running`);
    // Its watchdog may already be at it; give it the time it needs before stepping in.
    if (file.reaper && alive(file.reaper)) await waitForExit(file.reaper, stopGraceMs + 3_000);
  }
  const left = children.filter((child) => groupRunning(child.pid));
  if (left.length > 0) {
    say(`stopping ${left.map((child) => `${child.name} (pid ${child.pid})`).join(', ')}`);
    const report = await stopRecordedChildren(left, stopGraceMs);
    if (report.killed.length > 0) say(`killed after ${stopGraceMs} ms: ${report.killed.map((child) => child.name).join(', ')}`);
  }
  const launcherLeft = alive(file.pid) ? [{ name: 'launcher', pid: file.pid }] : [];
  const survivors = [...launcherLeft, ...children.filter((child) => groupRunning(child.pid))];
  if (survivors.length > 0) {
    say(`still running: ${survivors.map((entry) => `${entry.name} (pid ${entry.pid})`).join(', ')}`);
    return 1;
  }
  await removePidFile(dataDir);
  say(`stopped in ${((Date.now() - started) / 1000).toFixed(1)} s; nothing of it runs any more`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`stop: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
