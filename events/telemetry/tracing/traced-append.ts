import { context, SpanKind, trace, type Span, type Tracer } from '@opentelemetry/api';
import { orderIdOf, TRACE_ATTRIBUTES } from './attributes.ts';
import { failSpan } from './messaging-spans.ts';
import { contextWithOrderId } from './order-context.ts';
import { contextFromTraceparent, linkToTraceparent, traceIdOf, traceparentOf } from './propagation.ts';

/** What the span needs of an event envelope (see events/contracts envelope.ts). */
export interface TraceableEvent {
  type: string;
  correlationId: string;
  traceparent?: string | undefined;
  data?: unknown;
}

export type Append<E extends TraceableEvent, R> = (streamId: string, expectedVersion: number, events: readonly E[]) => Promise<R>;

export interface TracedAppendOptions {
  tracer: Tracer;
  /**
   * The traceparent of the stream's latest event, for a step that runs outside any trace (a
   * deadline scan, a payment retry): its new trace gets a link to the trace of the order it
   * continues. Only called in that case, and only with tracing on.
   */
  lastTraceparent?: (streamId: string) => Promise<string | undefined>;
}

/**
 * Wraps an event store's append in an "append <types>" span and stamps the span's traceparent
 * on the events it stores, whatever traceparent their command was given. That is where the
 * trace crosses into the outbox: the relay's publish span, and through the Kafka headers every
 * consumer and reaction, nest under the append, which nests under what caused it. Doing it in
 * the one append every command goes through covers resolvers, reactions and workers alike.
 *
 * The parent is the active span (the GraphQL resolver, the reaction's consumer span); without
 * one, the trace the events say they belong to (their command copied the traceparent of its
 * cause); without that either, the append starts a trace of its own, linked to the stream's.
 * With tracing off the events are stored exactly as given.
 */
export function traceAppend<E extends TraceableEvent, R>(append: Append<E, R>, options: TracedAppendOptions): Append<E, R> {
  return async (streamId, expectedVersion, events) => {
    const active = trace.getSpan(context.active());
    const carried = events.find((event) => event.traceparent)?.traceparent;
    const activeValid = active !== undefined && trace.isSpanContextValid(active.spanContext());
    const parent = activeValid ? context.active() : contextFromTraceparent(carried);
    const types = [...new Set(events.map((event) => event.type))].join(',');
    const orderId = events.map(orderIdOf).find(Boolean);
    const span = options.tracer.startSpan(
      `append ${types}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [TRACE_ATTRIBUTES.streamId]: streamId,
          [TRACE_ATTRIBUTES.eventType]: types,
          [TRACE_ATTRIBUTES.correlationId]: events[0]?.correlationId ?? '',
          'tributary.expected_version': expectedVersion,
          'tributary.event_count': events.length,
          ...(orderId ? { [TRACE_ATTRIBUTES.orderId]: orderId } : {}),
        },
      },
      parent,
    );
    if (!span.isRecording()) {
      span.end();
      return append(streamId, expectedVersion, events);
    }
    await addLinks(span, { activeTraceId: activeValid ? active.spanContext().traceId : undefined, carried, streamId, options });
    const ctx = contextWithOrderId(trace.setSpan(parent, span), orderId);
    const traceparent = traceparentOf(ctx);
    const stamped = traceparent ? events.map((event) => ({ ...event, traceparent })) : events;
    try {
      return await context.with(ctx, () => append(streamId, expectedVersion, stamped));
    } catch (error) {
      // A lost race (ConcurrencyError) shows as a failed append; the command's retry is the next one.
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  };
}

/** Links the append to the trace its events came from, when that is not the trace it runs in. */
async function addLinks(
  span: Span,
  state: { activeTraceId: string | undefined; carried: string | undefined; streamId: string; options: TracedAppendOptions },
): Promise<void> {
  const { activeTraceId, carried, streamId, options } = state;
  if (activeTraceId && carried && traceIdOf(carried) !== activeTraceId) {
    const link = linkToTraceparent(carried);
    if (link) span.addLink(link);
    return;
  }
  if (activeTraceId || carried || !options.lastTraceparent) return;
  // A background step: its new trace points at the trace of the stream it continues.
  const last = await options.lastTraceparent(streamId).catch(() => undefined);
  const link = linkToTraceparent(last);
  if (link) span.addLink({ ...link, attributes: { 'tributary.link': 'stream' } });
}
