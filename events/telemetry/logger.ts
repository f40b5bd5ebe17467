import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { traceLogFields } from './tracing/log-fields.ts';

export type { Logger };

/**
 * Structured JSON logs on stderr, one logger per process, named after the service so lines from
 * a whole stack can be told apart. stdout stays free for readiness lines and CLI output.
 * A line written inside a span carries its `trace_id` and `span_id` (and `order_id` while an
 * order's event is handled), so a log line leads to its trace and back (tracing/log-fields.ts).
 */
export function createLogger(service: string, level: LevelWithSilent = 'info', destination: DestinationStream = pino.destination(2)): Logger {
  return pino({ name: service, level, base: { service }, mixin: traceLogFields }, destination);
}
