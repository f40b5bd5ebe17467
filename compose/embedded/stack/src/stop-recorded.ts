import { readdirSync, readFileSync } from 'node:fs';
import { alive, type RecordedChild } from './data-dir.ts';
import { processGroupAlive } from './processes.ts';

/**
 * Stops children known only by their recorded pids (no ChildProcess handles): what the reaper
 * does once the launcher is gone, and what `npm run stop` does when it finds no launcher. Each
 * child leads its own process group, so its pid is also the group id.
 */

/**
 * True while a process of group `pgid` still runs. Once the launcher is gone its children belong
 * to init, and an init that reaps late (some container and VM inits do) leaves them as zombies
 * that signal 0 still finds; on Linux /proc tells a zombie (state Z) from a running process.
 */
export function groupRunning(pgid: number): boolean {
  if (!processGroupAlive(pgid)) return false;
  if (process.platform !== 'linux') return true;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // ESRCH: already gone.
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitUntilGone(pids: number[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(groupRunning) && Date.now() < deadline) await sleep(100);
}

export interface StopReport {
  /** Stopped by SIGTERM within the grace period. */
  stopped: RecordedChild[];
  /** Still there after the grace period: killed with SIGKILL. */
  killed: RecordedChild[];
}

/**
 * In reverse start stage (gateway, subgraphs, then the servers they use): SIGTERM to each group
 * leader (tsx relays it to its node process), SIGKILL to the whole group of whatever is left after
 * `graceMs`. Children of one stage stop together.
 */
export async function stopRecordedChildren(children: readonly RecordedChild[], graceMs: number): Promise<StopReport> {
  const report: StopReport = { stopped: [], killed: [] };
  const live = children.filter((child) => Number.isInteger(child.pid) && child.pid > 0 && groupRunning(child.pid));
  const stages = [...new Set(live.map((child) => child.stage ?? 0))].sort((a, b) => b - a);
  for (const stage of stages) {
    const group = live.filter((child) => (child.stage ?? 0) === stage);
    // The leader when it lives (once: a second SIGTERM often means "now" to a shutdown handler),
    // else the group it left behind.
    for (const child of group) signal(alive(child.pid) ? child.pid : -child.pid, 'SIGTERM');
    await waitUntilGone(group.map((child) => child.pid), graceMs);
    for (const child of group) {
      if (groupRunning(child.pid)) {
        signal(-child.pid, 'SIGKILL');
        report.killed.push(child);
      } else report.stopped.push(child);
    }
    // A killed process stays visible until it is reaped; give that a bounded moment.
    await waitUntilGone(group.map((child) => child.pid), 2_000);
  }
  return report;
}
