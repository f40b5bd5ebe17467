import type { AttributeValue } from '@opentelemetry/api';

/**
 * One finished span as the local trace files keep it: one JSON object per line of
 * `<TRACE_DIR>/<service>.jsonl` (jsonl-span-exporter.ts), read back by `npm run trace`
 * (trace-files.ts). Times are epoch milliseconds with sub-millisecond fractions.
 */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  /** Absent on a root span. */
  parentSpanId?: string;
  service: string;
  /** What made the span: an instrumentation (@opentelemetry/instrumentation-mongodb...) or our code. */
  scope?: string;
  name: string;
  kind: SpanKindName;
  startMs: number;
  durationMs: number;
  status: 'UNSET' | 'OK' | 'ERROR';
  statusMessage?: string;
  attributes: Record<string, AttributeValue>;
  /** Span events (an exception, a retry...), at most a few per span. */
  events?: { name: string; timeMs: number; attributes?: Record<string, AttributeValue> }[];
  /** Spans of other traces this one continues (a saga step started outside the order's trace). */
  links?: { traceId: string; spanId: string }[];
}

export type SpanKindName = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

/** Parses one line of a trace file; undefined for a line that is not a span (a torn write, another tool). */
export function parseSpanRecord(line: string): SpanRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const record = value as Partial<SpanRecord>;
  const valid =
    typeof record.traceId === 'string' &&
    typeof record.spanId === 'string' &&
    typeof record.name === 'string' &&
    typeof record.service === 'string' &&
    typeof record.startMs === 'number' &&
    typeof record.durationMs === 'number';
  return valid ? ({ attributes: {}, status: 'UNSET', kind: 'INTERNAL', ...record } as SpanRecord) : undefined;
}
