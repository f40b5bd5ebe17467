import type { Measurement } from './scenarios.ts';

/** A scenario's outcome on one target: measured, failed (see the stderr line), or not run. */
export type Outcome = Measurement | 'failed' | 'skipped';

/** One row: the same scenario measured against this broker (with one fsync policy) and the mock. */
export interface Row {
  scenario: string;
  fsync: string;
  broker: Outcome;
  mock: Outcome;
}

export function rate(m: Measurement): { perSecond: number; mbPerSecond: number } {
  const seconds = m.ms / 1000;
  return { perSecond: m.messages / seconds, mbPerSecond: m.bytes / 1_048_576 / seconds };
}

export function describe(m: Measurement): string {
  const { perSecond, mbPerSecond } = rate(m);
  return `${Math.round(perSecond).toLocaleString('en-US')} msg/s, ${mbPerSecond.toFixed(2)} MB/s (${m.messages} msgs in ${Math.round(m.ms)} ms)`;
}

/** The best (highest msg/s) of several runs; a failure only when every run failed. */
export function best(runs: readonly Outcome[]): Outcome {
  const measured = runs.filter((r): r is Measurement => typeof r !== 'string');
  if (measured.length === 0) return runs.includes('failed') ? 'failed' : 'skipped';
  return measured.reduce((a, b) => (rate(b).perSecond > rate(a).perSecond ? b : a));
}

/** A markdown table; ratio = this broker's msg/s divided by the mock's. */
export function formatTable(rows: Row[]): string {
  const cell = (m: Outcome) => {
    if (typeof m === 'string') return `${m} | -`;
    const { perSecond, mbPerSecond } = rate(m);
    return `${Math.round(perSecond).toLocaleString('en-US')} | ${mbPerSecond.toFixed(2)}`;
  };
  const ratio = ({ broker, mock }: Row) =>
    typeof broker === 'string' || typeof mock === 'string' ? '-' : (rate(broker).perSecond / rate(mock).perSecond).toFixed(2);
  const lines = [
    '| scenario | this broker fsync | this broker msg/s | MB/s | mock msg/s | MB/s | ratio |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.scenario} | ${row.fsync} | ${cell(row.broker)} | ${cell(row.mock)} | ${ratio(row)} |`),
  ];
  return lines.join('\n');
}
