import { SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing.ts';
import { endSpans, startPublishSpan, withConsumerSpan, type ConsumedMessage } from './messaging-spans.ts';
import { traceparentOf } from './propagation.ts';

const event = { topic: 'tributary.order', eventId: 'e-1', eventType: 'OrderPlaced', key: 'o-1', orderId: 'o-1' };

let tracing: InMemoryTracing;
// Tracers are taken once tracing is on: under vitest this file's @opentelemetry/api may be another
// module instance than the SDK's, and a tracer taken before registration would stay a no-op.
let tracer: Tracer;
beforeAll(() => {
  tracing = startInMemoryTracing();
  tracer = trace.getTracer('test');
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

/** A traceparent of a span that ended, as an appended event carries it. */
function appendedTraceparent(): string {
  return tracer.startActiveSpan('append OrderPlaced', (span) => {
    span.end();
    return traceparentOf()!;
  });
}

describe('publish and process spans', () => {
  it('publish under the envelope traceparent, and hand the consumer a header that nests it under the publication', async () => {
    const envelopeTraceparent = appendedTraceparent();
    const published = startPublishSpan(tracer, event, envelopeTraceparent);
    endSpans([published.span]);
    expect(published.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const consumed: ConsumedMessage = { ...event, group: 'inventory.reservations', partition: 2, offset: '41', attempt: 1, traceparent: published.traceparent };
    await withConsumerSpan(tracer, consumed, async () => {
      tracer.startSpan('inside the handler').end();
    });

    const [append, publish, inside, process] = tracing.readableSpans();
    expect(publish!.name).toBe('publish OrderPlaced');
    expect(publish!.kind).toBe(SpanKind.PRODUCER);
    expect(publish!.parentSpanContext?.spanId).toBe(append!.spanContext().spanId);
    expect(process!.name).toBe('process OrderPlaced');
    expect(process!.kind).toBe(SpanKind.CONSUMER);
    expect(process!.parentSpanContext?.spanId).toBe(publish!.spanContext().spanId);
    expect(inside!.parentSpanContext?.spanId).toBe(process!.spanContext().spanId);
    expect(new Set(tracing.readableSpans().map((span) => span.spanContext().traceId)).size).toBe(1);
    expect(process!.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'tributary.order',
      'messaging.consumer.group.name': 'inventory.reservations',
      'messaging.destination.partition.id': '2',
      'messaging.kafka.offset': 41,
      'messaging.message.id': 'e-1',
      'tributary.event_type': 'OrderPlaced',
      'tributary.order_id': 'o-1',
      'tributary.attempt': 1,
    });
  });

  it('mark a failed handling and a failed send, and rethrow', async () => {
    const consumed: ConsumedMessage = { ...event, group: 'payment.order-reactions', partition: 0, offset: '1', attempt: 3, traceparent: undefined };
    await expect(withConsumerSpan(tracer, consumed, async () => Promise.reject(new Error('provider down')))).rejects.toThrow('provider down');
    const published = startPublishSpan(tracer, event, undefined);
    endSpans([published.span], new Error('broker gone'));
    const [process, publish] = tracing.spans();
    expect(process).toMatchObject({ status: 'ERROR', statusMessage: 'provider down', events: [{ name: 'exception' }] });
    expect(process!.parentSpanId).toBeUndefined();
    expect(publish).toMatchObject({ status: 'ERROR', statusMessage: 'broker gone' });
  });
});
