/**
 * How busy one CPU was, from Linux's /proc/stat: the server under test is pinned to a core, so
 * that core's busy time minus the server's own CPU time is what something else (other processes
 * on a shared machine, the hypervisor's steal) took from it while it was measured.
 */
import { readFile } from 'node:fs/promises';

/** USER_HZ: /proc/stat counts in hundredths of a second on Linux. */
const TICK_MS = 10;

/** Busy milliseconds of `cpu` since boot (user, nice, system, irq, softirq, steal), or NaN without /proc. */
export async function coreBusyMs(cpu: string): Promise<number> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n').find((l) => l.startsWith(`cpu${cpu} `));
    if (!line) return Number.NaN;
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}
