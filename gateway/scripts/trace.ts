/**
 * Prints an order's whole trace as a waterfall, from the spans the local stack keeps on disk
 * (every service writes DATA_DIR/traces/<service>.jsonl; no Jaeger needed):
 *   npm run trace -- --order <id> [--dir PATH] [--bar N]
 *   npm run trace -- --trace <trace id>
 * The spans tagged with the order (tributary.order_id) give the trace ids; every span of those
 * traces, from every service's file, is then shown: the request's trace, and any trace a later
 * saga step started on its own (a deadline, a payment retry) or a subscription event sent back.
 * DATA_DIR is <repo>/.data unless set (a relative DATA_DIR is taken from the repo root, as the
 * launcher does).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { renderWaterfall, spansOfTraces, traceFiles, traceIdsOfOrder, type SpanRecord } from '@tributary/telemetry/tracing';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const defaultDir = path.join(path.resolve(repoRoot, process.env['DATA_DIR'] || '.data'), 'traces');

function positiveInt(value: string): number {
  const parsed = Number.parseInt(value, 10);
  if (!Number.isInteger(parsed) || parsed < 10 || parsed > 400) throw new InvalidArgumentError('must be an integer from 10 to 400');
  return parsed;
}

const options = new Command()
  .name('trace')
  .description("Print an order's trace (gateway, subgraphs, Kafka, every saga step) as a waterfall")
  .option('--order <id>', 'the order id (as placeOrder returned it)')
  .option('--trace <id>', 'a trace id instead (32 hex digits)')
  .option('--dir <path>', 'where the services keep their spans', defaultDir)
  .option('--bar <n>', 'width of the timeline bar', positiveInt, 40)
  .parse()
  .opts<{ order?: string; trace?: string; dir: string; bar: number }>();

if (!options.order === !options.trace) {
  process.stderr.write('give one of --order <id> or --trace <trace id>\n');
  process.exit(2);
}

const files = await traceFiles(options.dir);
if (files.length === 0) {
  process.stderr.write(`no trace files in ${options.dir}: start the stack (npm run dev) with tracing on, or pass --dir\n`);
  process.exit(1);
}
const traceIds = options.trace ? new Set([options.trace.toLowerCase()]) : await traceIdsOfOrder(files, options.order!);
const traces = [...(await spansOfTraces(files, traceIds)).values()].filter((spans) => spans.length > 0);
if (traces.length === 0) {
  const what = options.trace ? `trace ${options.trace}` : `order ${options.order}`;
  process.stderr.write(`no spans of ${what} in ${options.dir} (spans reach the files within a second or so)\n`);
  process.exit(1);
}

// Oldest trace first: the request that placed the order, then what later steps started.
const firstStart = (spans: SpanRecord[]) => Math.min(...spans.map((span) => span.startMs));
traces.sort((a, b) => firstStart(a) - firstStart(b));
const out: string[] = [];
for (const spans of traces) {
  if (out.length > 0) out.push('');
  out.push(...renderWaterfall(spans, { barWidth: options.bar }));
  const linked = [...new Set(spans.flatMap((span) => span.links ?? []).map((link) => link.traceId))].filter((id) => id !== spans[0]!.traceId);
  if (linked.length > 0) out.push(`(continues trace ${linked.join(', ')})`);
}
process.stdout.write(`${out.join('\n')}\n`);
