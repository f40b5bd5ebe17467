import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseSpanRecord } from '../../../events/telemetry/tracing/span-record.ts';

/**
 * How many GraphQL requests each replica of a subgraph served, counted from what the replicas
 * recorded themselves: their HTTP server spans in DATA_DIR/traces/<subgraph>.jsonl (every replica
 * of a subgraph writes to that file). Replicas differ only in their port, which each server span
 * carries as `server.port`. Undefined when the stack does not trace (OTEL_SDK_DISABLED=true).
 */
export async function requestsPerReplica(options: {
  traceDir: string;
  subgraph: string;
  replicas: readonly { name: string; url: string }[];
}): Promise<Map<string, number> | undefined> {
  const byPort = new Map(options.replicas.map((replica) => [Number(new URL(replica.url).port), replica.name]));
  const counts = new Map(options.replicas.map((replica) => [replica.name, 0]));
  const file = path.join(options.traceDir, `${options.subgraph}.jsonl`);
  try {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.includes('"SERVER"') || !line.includes('/graphql')) continue;
      const span = parseSpanRecord(line);
      if (span?.kind !== 'SERVER' || span.attributes['url.path'] !== '/graphql') continue;
      const name = byPort.get(Number(span.attributes['server.port']));
      if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return counts;
}
