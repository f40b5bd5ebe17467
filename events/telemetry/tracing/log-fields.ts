import { context, trace } from '@opentelemetry/api';
import { activeOrderId } from './order-context.ts';

export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  order_id?: string;
}

/**
 * What every log line written inside a span adds (pino `mixin`, see logger.ts): the ids that
 * find the line's trace, and the order when the span works for one. The field names are the
 * OpenTelemetry log data model's, which Grafana/Loki and Jaeger link on. Outside a span (or
 * with tracing off) it adds nothing.
 */
export function traceLogFields(): TraceLogFields {
  const ctx = context.active();
  const spanContext = trace.getSpanContext(ctx);
  const orderId = activeOrderId(ctx);
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return orderId ? { order_id: orderId } : {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    ...(orderId ? { order_id: orderId } : {}),
  };
}
