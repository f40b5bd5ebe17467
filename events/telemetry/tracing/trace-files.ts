import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { TRACE_ATTRIBUTES } from './attributes.ts';
import { parseSpanRecord, type SpanRecord } from './span-record.ts';

/**
 * Reads the local trace files (`<dir>/*.jsonl`, the rotated `.old.jsonl` ones included) back,
 * line by line: a file may hold 50 MB, and a line is parsed only when its text mentions what is
 * looked for.
 */
export async function traceFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names.filter((name) => name.endsWith('.jsonl')).sort().map((name) => path.join(dir, name));
}

async function scan(files: readonly string[], mentions: (line: string) => boolean, take: (span: SpanRecord) => void): Promise<void> {
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!mentions(line)) continue;
      const span = parseSpanRecord(line);
      if (span) take(span);
    }
  }
}

/** Ids of the traces with a span tagged with this order (tributary.order_id). */
export async function traceIdsOfOrder(files: readonly string[], orderId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  await scan(files, (line) => line.includes(orderId), (span) => {
    if (span.attributes[TRACE_ATTRIBUTES.orderId] === orderId) ids.add(span.traceId);
  });
  return ids;
}

/** Every span of these traces, from every file, grouped by trace id. */
export async function spansOfTraces(files: readonly string[], traceIds: ReadonlySet<string>): Promise<Map<string, SpanRecord[]>> {
  const traces = new Map<string, SpanRecord[]>([...traceIds].map((id) => [id, []]));
  const wanted = [...traceIds];
  const seen = new Set<string>();
  await scan(files, (line) => wanted.some((id) => line.includes(id)), (span) => {
    // A span can be written twice only by a bug or a copied file; show it once.
    const key = `${span.traceId}/${span.spanId}`;
    if (seen.has(key)) return;
    seen.add(key);
    traces.get(span.traceId)?.push(span);
  });
  return traces;
}
