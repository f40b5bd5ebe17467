/** The bench's table and its verdict on the targets. */
import type { ScenarioResult } from './scenario.ts';
import type { ServerKind } from './targets.ts';

export interface Row extends ScenarioResult {
  subscribers: number;
  callers: number;
  server: ServerKind;
}

/** The targets for one gateway process. */
export const TARGETS = { subscribers: 10_000, p99Ms: 100, memoryRatio: 1.5 };

export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export interface Summary {
  p50: number;
  p99: number;
  max: number;
}

export function summarize(latencies: number[]): Summary {
  const sorted = Float64Array.from(latencies).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

/** The floor row measured next to a gateway row (same subscribers and callers). */
function floorOf(rows: Row[], row: Row): Row | undefined {
  return rows.find((r) => r.server === 'floor' && r.subscribers === row.subscribers && r.callers === row.callers);
}

const COLUMNS: [string, number][] = [
  ['subscribers', 11],
  ['callers', 8],
  ['server', 8],
  ['upstr', 6],
  ['connect s', 10],
  ['p50 ms', 8],
  ['p99 ms', 8],
  ['max ms', 8],
  ['srv p50', 8],
  ['srv max', 8],
  ['missing', 8],
  ['cpu ms/ev', 10],
  ['RSS/sub KB', 11],
  ['heap/sub KB', 12],
  ['RSS x', 7],
  ['heap x', 7],
  ['other %', 8],
];

export function table(rows: Row[]): string {
  const f = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
  const lines = [COLUMNS.map(([name, width]) => name.padStart(width)).join('')];
  for (const row of rows) {
    const { p50, p99, max } = summarize(row.latencies);
    const floor = row.server === 'gateway' ? floorOf(rows, row) : undefined;
    const cells = [
      String(row.subscribers),
      row.callers === 0 ? 'anon' : String(row.callers),
      row.server,
      row.upstreams === undefined ? '-' : String(row.upstreams),
      f(row.connectSeconds),
      f(p50),
      f(p99),
      f(max),
      f(summarize(row.serverFanOutMs).p50),
      f(summarize(row.serverFanOutMs).max),
      String(row.missing),
      f(row.cpuMsPerEvent),
      f(row.rssPerSubscriber / 1024, 2),
      f(row.heapPerSubscriber / 1024, 2),
      floor ? f(row.rssPerSubscriber / floor.rssPerSubscriber, 2) : '-',
      floor ? f(row.heapPerSubscriber / floor.heapPerSubscriber, 2) : '-',
      f(row.otherLoad * 100, 0),
    ];
    lines.push(cells.map((cell, i) => cell.padStart(COLUMNS[i]![1])).join(''));
  }
  return lines.join('\n');
}

/** One line per gateway row at the target size: met or not, and by what. */
export function verdicts(rows: Row[]): string[] {
  const atTarget = rows.filter((row) => row.server === 'gateway' && row.subscribers >= TARGETS.subscribers);
  if (atTarget.length === 0) return [`targets: not checked (no gateway run with ${TARGETS.subscribers} subscribers)`];
  return atTarget.map((row) => {
    const { p99 } = summarize(row.latencies);
    const floor = floorOf(rows, row);
    const checks = [
      `p99 ${p99.toFixed(1)} ms ${p99 <= TARGETS.p99Ms ? '<=' : '>'} ${TARGETS.p99Ms} ms`,
      `missing ${row.missing}`,
      ...(floor
        ? [
            `RSS/sub ${(row.rssPerSubscriber / floor.rssPerSubscriber).toFixed(2)}x floor`,
            `heap/sub ${(row.heapPerSubscriber / floor.heapPerSubscriber).toFixed(2)}x floor (target <= ${TARGETS.memoryRatio}x)`,
          ]
        : ['no floor row to compare memory with']),
    ];
    const met =
      p99 <= TARGETS.p99Ms &&
      row.missing === 0 &&
      !!floor &&
      row.rssPerSubscriber <= TARGETS.memoryRatio * floor.rssPerSubscriber &&
      row.heapPerSubscriber <= TARGETS.memoryRatio * floor.heapPerSubscriber;
    const who = row.callers === 0 ? 'anonymous' : `${row.callers} callers`;
    return `target at ${row.subscribers} subscribers (${who}): ${met ? 'MET' : 'MISSED'} (${checks.join(', ')})`;
  });
}
