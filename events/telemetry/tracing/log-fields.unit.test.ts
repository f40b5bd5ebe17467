import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing.ts';
import { withConsumerSpan } from './messaging-spans.ts';

/** A logger of createLogger whose JSON lines land in an array. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('order', 'info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

let tracing: InMemoryTracing;
beforeAll(() => {
  tracing = startInMemoryTracing();
});
afterAll(() => tracing.shutdown());

describe('log lines and traces', () => {
  it('carry trace_id and span_id when written inside a span, and nothing outside one', () => {
    const { logger, lines } = capturedLogger();
    logger.info('before');
    const ids = trace.getTracer('test').startActiveSpan('work', (span) => {
      logger.child({ component: 'relay' }).warn({ orderId: 'o-1' }, 'inside');
      span.end();
      return span.spanContext();
    });
    logger.info('after');
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId, component: 'relay', orderId: 'o-1' });
    expect(lines[2]).not.toHaveProperty('trace_id');
  });

  it('name the order while a consumer handles one of its events', async () => {
    const { logger, lines } = capturedLogger();
    const message = { topic: 'tributary.order', eventId: 'e-1', eventType: 'OrderPlaced', key: 'o-2', orderId: 'o-2', group: 'inventory.reservations', partition: 0, offset: '7', attempt: 1, traceparent: undefined };
    await withConsumerSpan(trace.getTracer('test'), message, async () => logger.info('reserving'));
    expect(lines[0]).toMatchObject({ msg: 'reserving', order_id: 'o-2', trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });
});
