import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { backoffDelay, sleep, type RetryPolicy } from './backoff.ts';
import { dlqTopic, InvalidEventError, type AnyEventEnvelope } from '@tributary/contracts';
import { toDeadLetter } from './dlq.ts';
import { parseCatalogueEvent, type BusEnvelope, type EnvelopeParser } from './envelope.ts';
import { PermanentMessageError } from './errors.ts';
import { decodeMessageValue, headersToStrings, BUS_PRODUCER_CONFIG } from './kafka-message.ts';
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

export interface ConsumerRunnerHooks {
  onProcessed?(info: { topic: string; type: string; durationMs: number }): void;
  onRetry?(info: { topic: string; attempt: number; error: unknown }): void;
  onDeadLettered?(info: { topic: string; attempts: number; error: unknown }): void;
}

export interface ConsumerRunnerOptions<E extends BusEnvelope = AnyEventEnvelope> {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handle: (envelope: E, context: HandlerContext) => Promise<void>;
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

export function createConsumerRunner<E extends BusEnvelope = AnyEventEnvelope>(options: ConsumerRunnerOptions<E>): ConsumerRunner {
  const logger = (options.logger ?? silentLogger()).child({ groupId: options.groupId });
  const parse = (options.parse ?? parseCatalogueEvent) as EnvelopeParser<E>;
  const consumer = options.kafka.consumer({ ...options.consumerConfig, groupId: options.groupId });
  const ownsProducer = !options.producer;
  const producer = options.producer ?? options.kafka.producer(BUS_PRODUCER_CONFIG);
  // The start in progress or done; stop() waits for it, so a stop() that arrives mid-start
  // cannot be overtaken by a consumer.run() that would then keep a member in the group.
  let starting: Promise<void> | undefined;

  async function deadLetter(topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number): Promise<void> {
    await producer.send({
      topic: dlqTopic(topic),
      acks: -1,
      messages: [toDeadLetter({ topic, partition, message }, error, attempts, new Date())],
    });
    options.hooks?.onDeadLettered?.({ topic, attempts, error });
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
      const startedAt = Date.now();
      try {
        await options.handle(envelope, { topic, partition, offset: message.offset, headers, attempt, logger });
        options.hooks?.onProcessed?.({ topic, type: envelope.type, durationMs: Date.now() - startedAt });
        return 'done';
      } catch (error) {
        if (attempt >= options.retry.maxAttempts || isPermanent(error)) {
          await deadLetter(topic, partition, message, error, attempt);
          return 'done';
        }
        options.hooks?.onRetry?.({ topic, attempt, error });
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
