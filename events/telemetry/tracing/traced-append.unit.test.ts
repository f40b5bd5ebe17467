import { context, trace, type Tracer } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing.ts';
import { traceparentOf } from './propagation.ts';
import { traceAppend, type TraceableEvent } from './traced-append.ts';

const placed = (traceparent?: string): TraceableEvent => ({ type: 'OrderPlaced', correlationId: 'o-1', data: { orderId: 'o-1' }, ...(traceparent ? { traceparent } : {}) });

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

/** An append that records what it was asked to store, and what the active span was meanwhile. */
function recordingAppend() {
  const stored: { events: readonly TraceableEvent[]; active: string | undefined }[] = [];
  const append = async (_streamId: string, _expected: number, events: readonly TraceableEvent[]) => {
    stored.push({ events, active: trace.getActiveSpan()?.spanContext().spanId });
    return { toVersion: events.length };
  };
  return { stored, append };
}

describe('traceAppend', () => {
  it('appends under the active span and stamps its own traceparent on the stored events', async () => {
    const { stored, append } = recordingAppend();
    const traced = traceAppend(append, { tracer });
    const resolver = tracer.startSpan('graphql.resolve placeOrder');
    await context.with(trace.setSpan(context.active(), resolver), () => traced('o-1', 0, [placed('00-11111111111111111111111111111111-2222222222222222-01')]));
    resolver.end();

    const [appendSpan, resolverSpan] = tracing.spans();
    expect(appendSpan).toMatchObject({ name: 'append OrderPlaced', parentSpanId: resolverSpan!.spanId, traceId: resolverSpan!.traceId });
    expect(appendSpan!.attributes).toMatchObject({ 'tributary.order_id': 'o-1', 'tributary.stream_id': 'o-1', 'tributary.event_type': 'OrderPlaced' });
    expect(stored[0]!.events[0]!.traceparent).toBe(`00-${appendSpan!.traceId}-${appendSpan!.spanId}-01`);
    expect(stored[0]!.active).toBe(appendSpan!.spanId);
    // The command's own traceparent named another trace: kept as a link.
    expect(appendSpan!.links).toEqual([{ traceId: '11111111111111111111111111111111', spanId: '2222222222222222' }]);
  });

  it('without an active span, continues the trace the events carry', async () => {
    const { append } = recordingAppend();
    const traceparent = tracer.startActiveSpan('gateway.fetch', (span) => {
      span.end();
      return traceparentOf()!;
    });
    await traceAppend(append, { tracer })('o-1', 0, [placed(traceparent)]);
    const [fetch, appendSpan] = tracing.spans();
    expect(appendSpan!.parentSpanId).toBe(fetch!.spanId);
    expect(appendSpan!.traceId).toBe(fetch!.traceId);
  });

  it("outside any trace, starts one linked to the stream's latest", async () => {
    const { stored, append } = recordingAppend();
    const asked: string[] = [];
    const lastTraceparent = async (streamId: string) => {
      asked.push(streamId);
      return '00-33333333333333333333333333333333-4444444444444444-01';
    };
    await traceAppend(append, { tracer, lastTraceparent })('payment-o-1', 3, [placed()]);
    const [appendSpan] = tracing.spans();
    expect(asked).toEqual(['payment-o-1']);
    expect(appendSpan!.parentSpanId).toBeUndefined();
    expect(appendSpan!.links).toEqual([{ traceId: '33333333333333333333333333333333', spanId: '4444444444444444' }]);
    expect(stored[0]!.events[0]!.traceparent).toContain(appendSpan!.traceId);
  });

  it('marks a failed append and rethrows', async () => {
    const traced = traceAppend(async () => Promise.reject(new Error('head moved')), { tracer });
    await expect(traced('o-1', 0, [placed()])).rejects.toThrow('head moved');
    expect(tracing.spans()[0]).toMatchObject({ status: 'ERROR', statusMessage: 'head moved' });
  });
});

describe('traceAppend with tracing off', () => {
  it('stores the events exactly as given', async () => {
    await tracing.shutdown();
    const { stored, append } = recordingAppend();
    const events = [placed('00-11111111111111111111111111111111-2222222222222222-01')];
    await traceAppend(append, { tracer: trace.getTracer('off') })('o-1', 0, events);
    expect(stored[0]!.events).toBe(events);
    tracing = startInMemoryTracing();
  });
});
