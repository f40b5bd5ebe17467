/**
 * The launcher's watchdog. Node has no PR_SET_PDEATHSIG, and the children run in process groups
 * of their own (so a Ctrl-C reaches only the launcher), so nothing would stop them if the
 * launcher died without doing so itself (SIGKILL, OOM killer, a crash). This tiny process,
 * started detached by the launcher before any child, polls the launcher's pid; once it is gone it
 * stops every child recorded in DATA_DIR/stack.pid (reverse start order, SIGTERM, SIGKILL after
 * the grace period), removes the pid file, and exits. It exits quietly when the launcher stops
 * normally (the pid file is removed, or names another launcher).
 *
 *   node --import tsx reaper.ts <launcherPid> <dataDir> <graceMs>
 *
 * What it did goes to DATA_DIR/stack-reaper.log (its stdio is ignored: it outlives the terminal).
 */
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { alive, PID_FILE, type StackPidFile } from './data-dir.ts';
import { stopRecordedChildren } from './stop-recorded.ts';

const REAPER_LOG = 'stack-reaper.log';
const REAPER_POLL_MS = 300;

const [launcherArg, dataDir, graceArg] = process.argv.slice(2);
const launcherPid = Number(launcherArg);
const graceMs = Number(graceArg);
if (!Number.isInteger(launcherPid) || launcherPid <= 0 || !dataDir || !Number.isFinite(graceMs)) {
  process.stderr.write('usage: reaper.ts <launcherPid> <dataDir> <graceMs>\n');
  process.exit(2);
}
const pidFile = path.join(dataDir, PID_FILE);

function log(message: string): void {
  try {
    appendFileSync(path.join(dataDir as string, REAPER_LOG), `${new Date().toISOString()} reaper ${process.pid}: ${message}\n`);
  } catch {
    // Nowhere else to say it.
  }
}

type Read = { state: 'ours'; file: StackPidFile } | { state: 'gone' } | { state: 'torn' };

function readOurs(): Read {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return { state: 'gone' };
  }
  try {
    const file = JSON.parse(text) as StackPidFile;
    return file.pid === launcherPid ? { state: 'ours', file } : { state: 'gone' };
  } catch {
    return { state: 'torn' };
  }
}

let last: StackPidFile | undefined;
let busy = false;

async function reap(): Promise<void> {
  const read = readOurs();
  if (read.state === 'gone') {
    // The launcher removed its pid file on the way out: it stopped its children itself.
    process.exit(0);
  }
  const file = read.state === 'ours' ? read.file : last;
  const children = file?.children ?? [];
  const started = Date.now();
  log(`launcher ${launcherPid} is gone; stopping ${children.map((c) => `${c.name} (${c.pid})`).join(', ') || 'nothing'}`);
  const report = await stopRecordedChildren(children, graceMs);
  const killed = report.killed.map((c) => c.name).join(', ');
  log(`done in ${Date.now() - started} ms: ${report.stopped.length} stopped, ${report.killed.length} killed after ${graceMs} ms${killed ? ` (${killed})` : ''}`);
  if (readOurs().state !== 'gone') rmSync(pidFile, { force: true });
  process.exit(0);
}

const timer = setInterval(() => {
  if (busy) return;
  if (alive(launcherPid)) {
    const read = readOurs();
    if (read.state === 'gone') process.exit(0);
    if (read.state === 'ours') last = read.file;
    return;
  }
  busy = true;
  clearInterval(timer);
  void reap();
}, REAPER_POLL_MS);

// The launcher sends SIGTERM once it has stopped everything itself.
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
