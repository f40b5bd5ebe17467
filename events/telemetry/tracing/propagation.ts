import { context, propagation, ROOT_CONTEXT, trace, type Context, type Link } from '@opentelemetry/api';

/**
 * W3C `traceparent` in and out, through the globally registered propagator (startTracing
 * registers the W3C one). With tracing off there is no propagator: nothing is read or written,
 * and the traceparent an event already carries stays as it is.
 */

/** The traceparent of `ctx`'s span (default: the active one), or undefined without a valid span. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** A context whose parent is the remote span a traceparent names (ROOT_CONTEXT for none or a bad one). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** A span link to the span a traceparent names, if it names one. */
export function linkToTraceparent(traceparent: string | undefined): Link | undefined {
  const spanContext = trace.getSpanContext(contextFromTraceparent(traceparent));
  return spanContext && trace.isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

/** The trace id in a traceparent, without a propagator (00-<trace id>-<span id>-<flags>). */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split('-')[1];
}
