import { readdir, readFile } from 'node:fs/promises';

/**
 * CPU seconds used so far by a process and all its descendants (tsx runs each service in a
 * child node process), read from Linux's /proc. Returns NaN where /proc is not available.
 */
export async function treeCpuSeconds(rootPid: number): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return Number.NaN;
  }
  const stats = new Map<number, { ppid: number; ticks: number }>();
  await Promise.all(
    entries.filter((entry) => /^\d+$/.test(entry)).map(async (entry) => {
      try {
        const text = await readFile(`/proc/${entry}/stat`, 'utf8');
        // Fields after the command name, which is in parentheses and may contain spaces.
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // The process exited while we looked.
      }
    }),
  );
  let ticks = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === pid) pending.push(child);
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}
