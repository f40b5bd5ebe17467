import { SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { failSpan } from '@tributary/telemetry/tracing';

/**
 * The executor's spans, named as Apollo's gateway names them (gateway.request, gateway.plan,
 * gateway.execute, gateway.fetch), so traces and dashboards read the same as before: a fetch span
 * is the parent of the subgraph's work (the transport sends its traceparent).
 */
export type ExecutorSpanName = 'gateway.request' | 'gateway.plan' | 'gateway.execute' | 'gateway.fetch';

export function inSpan<T>(name: ExecutorSpanName, attributes: Attributes, run: () => T): T {
  // Taken per call, not at import: a tracer taken before tracing started would stay a no-op.
  return trace.getTracer('@tributary/gateway').startActiveSpan(name, { kind: name === 'gateway.fetch' ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes }, (span) => {
    const end = (error?: unknown) => {
      if (error !== undefined) failSpan(span, error);
      span.end();
    };
    try {
      const result = run();
      if (result instanceof Promise) {
        return result.then(
          (value) => {
            end();
            return value;
          },
          (error: unknown) => {
            end(error);
            throw error;
          },
        ) as T;
      }
      end();
      return result;
    } catch (error) {
      end(error);
      throw error;
    }
  });
}
