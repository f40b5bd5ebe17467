import type { SpanRecord } from './span-record.ts';

export interface WaterfallOptions {
  /** Characters of the timeline bar (default 40). */
  barWidth?: number;
  /** The span column is cut with an ellipsis past this (default 72). */
  maxNameWidth?: number;
}

interface Row {
  span: SpanRecord;
  depth: number;
}

/**
 * One trace as a waterfall for the terminal: a line per span, indented under its parent and
 * ordered by start, with its service, start offset from the trace's first span, duration,
 * status and a bar on the trace's timeline. A span whose parent is not among `spans` (not
 * exported yet, or in a process that kept no file) is shown as a root at its place in time.
 */
export function renderWaterfall(spans: readonly SpanRecord[], options: WaterfallOptions = {}): string[] {
  if (spans.length === 0) return [];
  const barWidth = options.barWidth ?? 40;
  const maxNameWidth = options.maxNameWidth ?? 72;
  const rows = orderRows(spans);
  const start = Math.min(...spans.map((span) => span.startMs));
  const end = Math.max(...spans.map((span) => span.startMs + span.durationMs));
  const total = Math.max(end - start, 0.001);

  const services = [...new Set(rows.map((row) => row.span.service))];
  const serviceWidth = Math.max('service'.length, ...services.map((service) => service.length));
  const labels = rows.map((row) => truncate(`${'  '.repeat(row.depth)}${row.span.name}${hint(row.span)}`, maxNameWidth));
  const nameWidth = Math.max('span'.length, ...labels.map((label) => label.length));

  const count = `${spans.length} span${spans.length === 1 ? '' : 's'}`;
  const header = `trace ${spans[0]!.traceId} · ${count} · ${services.join(', ')} · ${formatMs(total)} ms`;
  const columns = `${'service'.padEnd(serviceWidth)}  ${'span'.padEnd(nameWidth)}  ${'start ms'.padStart(9)}  ${'dur ms'.padStart(9)}  status`;
  const lines = rows.map(({ span }, index) => {
    const offset = span.startMs - start;
    const status = span.status === 'ERROR' ? 'ERROR' : 'ok';
    const failure = span.status === 'ERROR' && span.statusMessage ? `  ${truncate(span.statusMessage, 80)}` : '';
    return (
      `${span.service.padEnd(serviceWidth)}  ${labels[index]!.padEnd(nameWidth)}  ${formatMs(offset).padStart(9)}  ` +
      `${formatMs(span.durationMs).padStart(9)}  ${status.padEnd(6)}  ${bar(offset, span.durationMs, total, barWidth)}${failure}`
    ).trimEnd();
  });
  return [header, columns, ...lines];
}

/** Depth-first from the roots, children by start time: the order a waterfall reads in. */
function orderRows(spans: readonly SpanRecord[]): Row[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const span of spans) {
    if (span.parentSpanId && ids.has(span.parentSpanId) && span.parentSpanId !== span.spanId) {
      const siblings = children.get(span.parentSpanId) ?? children.set(span.parentSpanId, []).get(span.parentSpanId)!;
      siblings.push(span);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a: SpanRecord, b: SpanRecord) => a.startMs - b.startMs || a.name.localeCompare(b.name);
  const rows: Row[] = [];
  const seen = new Set<string>();
  const visit = (span: SpanRecord, depth: number) => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    rows.push({ span, depth });
    for (const child of (children.get(span.spanId) ?? []).sort(byStart)) visit(child, depth + 1);
  };
  for (const root of roots.sort(byStart)) visit(root, 0);
  // Spans caught in a parent cycle (a corrupt file) are still shown, as roots.
  for (const span of [...spans].sort(byStart)) visit(span, 0);
  return rows;
}

/** What the name leaves out: which consumer handled an event, which URL or path, which database. */
function hint(span: SpanRecord): string {
  const a = span.attributes;
  const group = a['messaging.consumer.group.name'];
  if (typeof group === 'string') return ` [${group}]`;
  const url = a['url.full'] ?? a['http.url'];
  if (span.kind === 'CLIENT' && typeof url === 'string') return ` ${pathOf(url)}`;
  const path = a['url.path'] ?? a['http.target'];
  if (span.kind === 'SERVER' && typeof path === 'string' && !span.name.includes(path)) return ` ${path}`;
  // MongoDB span names already say the collection ("find orders"); Redis ones say only the command.
  const database = a['db.system.name'] ?? a['db.system'];
  if (database === 'redis') return ' (redis)';
  return '';
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return url;
  }
}

function bar(offset: number, duration: number, total: number, width: number): string {
  const from = Math.min(width - 1, Math.floor((offset / total) * width));
  const length = Math.max(1, Math.min(width - from, Math.round((duration / total) * width)));
  return `${' '.repeat(from)}${'█'.repeat(length)}`.padEnd(width);
}

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
