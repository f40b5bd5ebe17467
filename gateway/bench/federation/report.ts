// The results table (stdout) and the memory figures read from /proc.
import { readFileSync } from 'node:fs';
import { GATEWAY_LABELS, type GatewayKind } from './gateways/types.ts';

export interface GatewayRow {
  kind: GatewayKind;
  /** Set when the gateway could not be measured; the other figures are then absent. */
  skipped?: string;
  rps?: number;
  p50Ms?: number;
  p99Ms?: number;
  rssMb?: number;
  peakRssMb?: number;
  /** Subgraph requests of one query sent alone: the query plan's fetch count. */
  subgraphCallsAlone?: number;
  subgraphCallsPerQuery?: number;
  wrong?: number;
  errors?: number;
}

/** Current and peak resident memory of a process in MB (Linux /proc); undefined elsewhere. */
export function processMemoryMb(pid: number | undefined): { rssMb?: number; peakRssMb?: number } {
  if (!pid) return {};
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return {};
  }
}

const fixed = (value: number | undefined, digits: number) => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits));

export function formatTable(rows: GatewayRow[]): string {
  const baseline = rows.find((r) => r.kind === 'tributary' && r.rps)?.rps;
  const header = ['gateway', 'RPS', 'vs Tributary', 'p50 ms', 'p99 ms', 'RSS MB (peak)', 'subgraph calls/query (alone)', 'wrong', 'errors'];
  const lines = rows.map((r) =>
    r.skipped
      ? [GATEWAY_LABELS[r.kind], `not measured: ${r.skipped}`]
      : [
          GATEWAY_LABELS[r.kind],
          fixed(r.rps, 1),
          baseline && r.rps !== undefined ? `${(r.rps / baseline).toFixed(2)}x` : '-',
          fixed(r.p50Ms, 1),
          fixed(r.p99Ms, 1),
          `${fixed(r.rssMb, 0)} (${fixed(r.peakRssMb, 0)})`,
          `${fixed(r.subgraphCallsPerQuery, 2)} (${fixed(r.subgraphCallsAlone, 0)})`,
          String(r.wrong ?? '-'),
          String(r.errors ?? '-'),
        ],
  );
  const measured = [header, ...lines.filter((l) => l.length === header.length)];
  const widths = header.map((_, i) => Math.max(...measured.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells.length === header.length ? cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ') : cells.join('  ');
  return [render(header), ...lines.map(render)].join('\n');
}
