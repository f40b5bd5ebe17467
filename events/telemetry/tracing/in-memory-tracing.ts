import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTracing } from './start-tracing.ts';
import { TRACING_OFF } from './tracing-config.ts';
import { toSpanRecord } from './to-span-record.ts';
import type { SpanRecord } from './span-record.ts';

export interface InMemoryTracing {
  /** Every span ended so far, as the trace files would hold it (service `service`). */
  spans(): SpanRecord[];
  /** The SDK's own spans, for what a SpanRecord leaves out. */
  readableSpans(): ReadableSpan[];
  reset(): void;
  shutdown(): Promise<void>;
}

/**
 * Tracing on for a test: the real SDK setup of startTracing (W3C propagation, async context),
 * with every span kept in memory as soon as it ends. Only one at a time per process (the SDK
 * registers globals); shutdown() unregisters it.
 */
export function startInMemoryTracing(service = 'test'): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ service, config: TRACING_OFF, spanProcessors: [new SimpleSpanProcessor({ exporter })], detectResources: false });
  return {
    spans: () => exporter.getFinishedSpans().map((span) => toSpanRecord(span, service)),
    readableSpans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    shutdown: () => tracing.shutdown(),
  };
}
