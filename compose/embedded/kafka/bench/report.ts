import type { Measurement } from './scenarios.ts';

/** A scenario's outcome on one target: measured, failed (see the stderr line), or not run. */
export type Outcome = Measurement | 'failed' | 'skipped';

/** One row: the same scenario measured against both targets. */
export interface Row {
  scenario: string;
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
    '| scenario | this broker msg/s | MB/s | mock msg/s | MB/s | ratio |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.scenario} | ${cell(row.broker)} | ${cell(row.mock)} | ${ratio(row)} |`),
  ];
  return lines.join('\n');
}
