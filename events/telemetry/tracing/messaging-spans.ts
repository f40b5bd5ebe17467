import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { TRACE_ATTRIBUTES } from './attributes.ts';
import { contextWithOrderId } from './order-context.ts';
import { contextFromTraceparent, traceparentOf } from './propagation.ts';

/**
 * The two Kafka spans of every event, made by hand because @opentelemetry/instrumentation-kafkajs
 * does not fit the bus (see register.mjs): one "publish" span per event sent by the outbox
 * relay, child of the span that appended the event (the envelope's traceparent), whose own
 * traceparent travels in the message headers; and one "process" span per handling of a message
 * by a consumer, child of that header. So every consumer and reaction nests under the relay
 * that published its event, in the trace of the request that started the saga.
 * Names and attributes follow the OpenTelemetry messaging conventions.
 */

export const BUS_TRACER_NAME = '@tributary/bus';

/** One event as a Kafka message. */
export interface MessageDescription {
  topic: string;
  /** The event id (messaging.message.id). */
  eventId: string;
  eventType: string;
  /** The message key: the aggregate id. */
  key: string;
  orderId?: string | undefined;
}

function messageAttributes(message: MessageDescription, operation: 'send' | 'process'): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': operation,
    'messaging.operation.name': operation === 'send' ? 'publish' : 'process',
    'messaging.destination.name': message.topic,
    'messaging.message.id': message.eventId,
    'messaging.kafka.message.key': message.key,
    [TRACE_ATTRIBUTES.eventType]: message.eventType,
    ...(message.orderId ? { [TRACE_ATTRIBUTES.orderId]: message.orderId } : {}),
  };
}

export interface PublishSpan {
  span: Span;
  /** What the message's traceparent header should say; undefined with tracing off (keep the envelope's). */
  traceparent: string | undefined;
}

/** Starts the span of one event's publication; the caller ends it once the send settled (see endSpans). */
export function startPublishSpan(tracer: Tracer, message: MessageDescription, envelopeTraceparent: string | undefined): PublishSpan {
  // Never the active context: the relay loop's context belongs to no event.
  const parent = contextFromTraceparent(envelopeTraceparent);
  const span = tracer.startSpan(`publish ${message.eventType}`, { kind: SpanKind.PRODUCER, attributes: messageAttributes(message, 'send') }, parent);
  return { span, traceparent: span.isRecording() ? traceparentOf(trace.setSpan(parent, span)) : undefined };
}

/** Ends spans that shared one outcome (the relay's batch send): an error marks every one. */
export function endSpans(spans: readonly Span[], error?: unknown): void {
  for (const span of spans) {
    if (error !== undefined) failSpan(span, error);
    span.end();
  }
}

export interface ConsumedMessage extends MessageDescription {
  group: string;
  partition: number;
  offset: string;
  attempt: number;
  /** The traceparent header (the relay's publish span), else the envelope's; undefined starts a trace. */
  traceparent: string | undefined;
}

/**
 * Runs one handling of a consumed message inside its "process" span, with the order in the
 * context for the log lines written meanwhile. A rejection marks the span failed and is rethrown.
 */
export async function withConsumerSpan<T>(tracer: Tracer, message: ConsumedMessage, handle: () => Promise<T>): Promise<T> {
  const parent = contextFromTraceparent(message.traceparent);
  const span = tracer.startSpan(
    `process ${message.eventType}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        ...messageAttributes(message, 'process'),
        'messaging.consumer.group.name': message.group,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.kafka.offset': Number(message.offset),
        [TRACE_ATTRIBUTES.attempt]: message.attempt,
      },
    },
    parent,
  );
  try {
    return await context.with(contextWithOrderId(trace.setSpan(parent, span), message.orderId), handle);
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error's message (and the exception as a span event). */
export function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
