import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { SpanKindName, SpanRecord } from './span-record.ts';

const KIND_NAMES: Record<SpanKind, SpanKindName> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

const STATUS_NAMES = { [SpanStatusCode.UNSET]: 'UNSET', [SpanStatusCode.OK]: 'OK', [SpanStatusCode.ERROR]: 'ERROR' } as const;

const toMs = ([seconds, nanos]: HrTime) => seconds * 1e3 + nanos / 1e6;
const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * A finished SDK span as a SpanRecord of `service` (the exporter's process; the resource is not
 * read: its detected attributes may still be settling, and service.name is all the file needs).
 */
export function toSpanRecord(span: ReadableSpan, service: string): SpanRecord {
  const { traceId, spanId } = span.spanContext();
  const record: SpanRecord = {
    traceId,
    spanId,
    ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
    service,
    scope: span.instrumentationScope.name,
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'INTERNAL',
    startMs: round(toMs(span.startTime)),
    durationMs: round(toMs(span.duration)),
    status: STATUS_NAMES[span.status.code] ?? 'UNSET',
    ...(span.status.message ? { statusMessage: span.status.message } : {}),
    attributes: { ...span.attributes } as SpanRecord['attributes'],
  };
  if (span.events.length > 0) {
    record.events = span.events.map((event) => ({
      name: event.name,
      timeMs: round(toMs(event.time)),
      ...(event.attributes ? { attributes: { ...event.attributes } as SpanRecord['attributes'] } : {}),
    }));
  }
  if (span.links.length > 0) record.links = span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId }));
  return record;
}
