import { trace, type Tracer } from '@opentelemetry/api';
import { BUS_TRACER_NAME, orderIdOf, withConsumerSpan, type ConsumedMessage } from '@tributary/telemetry/tracing';
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { backoffDelay, sleep, type RetryPolicy } from './backoff.ts';
import { dlqTopic, InvalidEventError, type AnyEventEnvelope } from '@tributary/contracts';
import { toDeadLetter } from './dlq.ts';
import { parseCatalogueEvent, type BusEnvelope, type EnvelopeParser } from './envelope.ts';
import { PermanentMessageError } from './errors.ts';
import { decodeMessageValue, headersToStrings, BUS_PRODUCER_CONFIG, EVENT_HEADERS } from './kafka-message.ts';
import { silentLogger, type Logger } from './logger.ts';

export interface HandlerContext {
  topic: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
  /** 1 on the first call for this message, 2 on the first retry, ... */
  attempt: number;
  logger: Logger;
}

/**
 * What a handler may return: 'skipped' says it recognised a redelivery and changed nothing
 * (counted apart from real work in events_consumed_total); anything else counts as processed.
 */
export type HandlerResult = 'skipped' | void;

export interface ConsumerRunnerHooks {
  onProcessed?(info: { group: string; topic: string; type: string; durationMs: number; skipped: boolean }): void;
  onRetry?(info: { group: string; topic: string; type: string; attempt: number; error: unknown }): void;
  /** `type` is undefined when the message never became an event (bad JSON, schema violation). */
  onDeadLettered?(info: { group: string; topic: string; type: string | undefined; attempts: number; error: unknown }): void;
}

export interface ConsumerRunnerOptions<E extends BusEnvelope = AnyEventEnvelope> {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handle: (envelope: E, context: HandlerContext) => Promise<HandlerResult>;
  retry: RetryPolicy;
  /** Validate + upcast; default: the contracts' catalogue (parseEvent). */
  parse?: EnvelopeParser<E>;
  logger?: Logger;
  /** A new group reads each topic from its start (projections must see every event). */
  fromBeginning?: boolean;
  /** Partitions handled in parallel; messages of one partition are always sequential. */
  partitionsConsumedConcurrently?: number;
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /** Producer for the DLQ; built from `kafka` (and owned) when absent. */
  producer?: Producer;
  hooks?: ConsumerRunnerHooks;
  random?: () => number;
  /** Makes the span of each handling; default: the global OpenTelemetry tracer (no-op with tracing off). */
  tracer?: Tracer;
}

export interface ConsumerRunner {
  start(): Promise<void>;
  /** Finishes or abandons the current message, commits processed offsets, leaves the group. */
  stop(): Promise<void>;
  readonly consumer: Consumer;
}

type Outcome = 'done' | 'stopped';

/** Errors no retry can fix: the handler found the event itself unusable. */
function isPermanent(error: unknown): boolean {
  return error instanceof PermanentMessageError || error instanceof InvalidEventError;
}

/**
 * A handling as its span describes it. The parent is the traceparent header (the relay's publish
 * span), else the envelope's (a message published before the relay set the header).
 */
function consumedMessage(
  group: string,
  delivery: Pick<HandlerContext, 'topic' | 'partition' | 'offset' | 'headers' | 'attempt'>,
  envelope: BusEnvelope,
): ConsumedMessage {
  return {
    group,
    topic: delivery.topic,
    partition: delivery.partition,
    offset: delivery.offset,
    attempt: delivery.attempt,
    eventId: envelope.id,
    eventType: envelope.type,
    key: envelope.aggregateId,
    orderId: orderIdOf(envelope),
    traceparent: delivery.headers[EVENT_HEADERS.traceparent] ?? envelope.traceparent,
  };
}

export function createConsumerRunner<E extends BusEnvelope = AnyEventEnvelope>(options: ConsumerRunnerOptions<E>): ConsumerRunner {
  const logger = (options.logger ?? silentLogger()).child({ groupId: options.groupId });
  const parse = (options.parse ?? parseCatalogueEvent) as EnvelopeParser<E>;
  const consumer = options.kafka.consumer({ ...options.consumerConfig, groupId: options.groupId });
  const ownsProducer = !options.producer;
  const producer = options.producer ?? options.kafka.producer(BUS_PRODUCER_CONFIG);
  const tracer = options.tracer ?? trace.getTracer(BUS_TRACER_NAME);
  // The start in progress or done; stop() waits for it, so a stop() that arrives mid-start
  // cannot be overtaken by a consumer.run() that would then keep a member in the group.
  let starting: Promise<void> | undefined;

  async function deadLetter(topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number, type?: string): Promise<void> {
    await producer.send({
      topic: dlqTopic(topic),
      acks: -1,
      messages: [toDeadLetter({ topic, partition, message }, error, attempts, new Date())],
    });
    options.hooks?.onDeadLettered?.({ group: options.groupId, topic, type, attempts, error });
    logger.error({ topic, partition, offset: message.offset, attempts, err: error }, 'message parked on the DLQ');
  }

  /** Sleeps in short slices so the group keeps our session alive and stop() is not held up. */
  async function backoff(ms: number, payload: EachBatchPayload): Promise<void> {
    const until = Date.now() + ms;
    while (payload.isRunning() && !payload.isStale()) {
      const left = until - Date.now();
      if (left <= 0) return;
      await sleep(Math.min(left, 200));
      await payload.heartbeat();
    }
  }

  async function processMessage(message: KafkaMessage, payload: EachBatchPayload): Promise<Outcome> {
    const { topic, partition } = payload.batch;
    let envelope: E;
    try {
      envelope = parse(decodeMessageValue(message.value));
    } catch (error) {
      // Retrying cannot fix bytes: park at once, zero handler attempts.
      await deadLetter(topic, partition, message, error, 0);
      return 'done';
    }
    const headers = headersToStrings(message.headers);
    for (let attempt = 1; ; attempt++) {
      // performance.now(): many handlers take less than a millisecond, below Date.now()'s resolution.
      const startedAt = performance.now();
      try {
        // Each attempt in its own span, child of the relay's publish span (see messaging-spans.ts).
        const consumed = consumedMessage(options.groupId, { topic, partition, offset: message.offset, headers, attempt }, envelope);
        const result = await withConsumerSpan(tracer, consumed, () =>
          options.handle(envelope, { topic, partition, offset: message.offset, headers, attempt, logger }),
        );
        options.hooks?.onProcessed?.({ group: options.groupId, topic, type: envelope.type, durationMs: performance.now() - startedAt, skipped: result === 'skipped' });
        return 'done';
      } catch (error) {
        if (attempt >= options.retry.maxAttempts || isPermanent(error)) {
          await deadLetter(topic, partition, message, error, attempt, envelope.type);
          return 'done';
        }
        options.hooks?.onRetry?.({ group: options.groupId, topic, type: envelope.type, attempt, error });
        logger.warn({ topic, partition, offset: message.offset, attempt, err: error }, 'handler failed; retrying');
        await backoff(backoffDelay(attempt, options.retry, options.random), payload);
        // Stopping or rebalancing mid-retry: leave the message unresolved so it is redelivered.
        if (!payload.isRunning() || payload.isStale()) return 'stopped';
      }
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    for (const message of payload.batch.messages) {
      if (!payload.isRunning() || payload.isStale()) return;
      if ((await processMessage(message, payload)) === 'stopped') return;
      // Resolved only after processing: a crash redelivers, never skips (at-least-once).
      payload.resolveOffset(message.offset);
      await payload.commitOffsetsIfNecessary();
      await payload.heartbeat();
    }
  }

  return {
    consumer,
    start() {
      starting ??= (async () => {
        if (ownsProducer) await producer.connect();
        await consumer.connect();
        await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
        await consumer.run({
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
          eachBatch,
        });
      })();
      return starting;
    },
    async stop() {
      if (!starting) return;
      const started = starting;
      starting = undefined;
      // A failed start still connected some clients; they are disconnected below all the same.
      await started.catch(() => undefined);
      // kafkajs stops fetching, waits for the running batch, commits resolved offsets and sends
      // LeaveGroup, so the partitions move to another member without waiting for a session timeout.
      await consumer.disconnect();
      if (ownsProducer) await producer.disconnect();
    },
  };
}
