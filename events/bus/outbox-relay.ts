import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { trace, type Span, type Tracer } from '@opentelemetry/api';
import { BUS_TRACER_NAME, endSpans, orderIdOf, startPublishSpan } from '@tributary/telemetry/tracing';
import type { Kafka, Message, Producer, ProducerConfig } from 'kafkajs';
import type { Connection } from 'mongoose';
import { backoffDelay, sleep } from './backoff.ts';
import { commitModel, COMMITS_COLLECTION } from './commit-model.ts';
import { topicOfEvent, type BusEnvelope } from './envelope.ts';
import { envelopeToMessage, BUS_PRODUCER_CONFIG, EVENT_HEADERS } from './kafka-message.ts';
import { createLease } from './lease.ts';
import { silentLogger, type Logger } from './logger.ts';
import { selectPublishable, type PendingCommit } from './publishable.ts';

export interface OutboxRelayHooks {
  /**
   * After each published batch: events sent, and for each commit how long it waited from its
   * append to Kafka's acknowledgement (acks = all).
   */
  onPublished?(info: { commits: number; events: number; latenciesMs: number[] }): void;
  onError?(error: unknown): void;
}

export interface OutboxRelayOptions {
  connection: Connection;
  /** The relay builds (and owns) its producer from this... */
  kafka?: Kafka;
  /** ...or uses this one, whose connect/disconnect stay the caller's business. */
  producer?: Producer;
  producerConfig?: ProducerConfig;
  /** Topic of each event; default: by event type via the contracts' topic table. */
  topicFor?: (envelope: BusEnvelope, aggregateType: string) => string;
  collection?: string;
  /** Relays sharing a lease name take turns; default: one lease per commits collection. */
  leaseName?: string;
  owner?: string;
  leaseTtlMs?: number;
  pollIntervalMs?: number;
  /** Commits per batch (each commit holds one command's events). */
  batchSize?: number;
  /** Backoff while Kafka or MongoDB fail. */
  retry?: { initialDelayMs: number; maxDelayMs: number };
  logger?: Logger;
  hooks?: OutboxRelayHooks;
  /** Makes each event's publish span; default: the global OpenTelemetry tracer (no-op with tracing off). */
  tracer?: Tracer;
}

export interface OutboxRelay {
  start(): Promise<void>;
  /** Finishes the in-flight batch, releases the lease, disconnects a producer it built. */
  stop(): Promise<void>;
  /** In-process wake-up after an append; the poll interval is only the fallback. */
  notify(): void;
  /** For health checks: whether this instance publishes, and how many batches failed in a row. */
  status(): OutboxRelayStatus;
}

export interface OutboxRelayStatus {
  running: boolean;
  leader: boolean;
  consecutiveFailures: number;
  lastPublishedAt: Date | null;
}

interface Outgoing {
  topic: string;
  event: BusEnvelope;
  message: ReturnType<typeof envelopeToMessage>;
}

/**
 * Starts the event's publish span, a child of the span that appended it (the envelope's
 * traceparent), and points the message's traceparent header at it: consumers then nest under
 * the publication. With tracing off the header keeps the envelope's traceparent.
 */
function startPublish(tracer: Tracer, { topic, event, message }: Outgoing): Span {
  const description = { topic, eventId: event.id, eventType: event.type, key: event.aggregateId, orderId: orderIdOf(event) };
  const { span, traceparent } = startPublishSpan(tracer, description, event.traceparent);
  if (traceparent) message.headers[EVENT_HEADERS.traceparent] = traceparent;
  return span;
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const model = commitModel(options.connection, options.collection ?? COMMITS_COLLECTION);
  const logger = options.logger ?? silentLogger();
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const batchSize = options.batchSize ?? 100;
  const leaseTtlMs = options.leaseTtlMs ?? 10_000;
  const retry = options.retry ?? { initialDelayMs: 100, maxDelayMs: 5_000 };
  const topicFor = options.topicFor ?? topicOfEvent;
  const tracer = options.tracer ?? trace.getTracer(BUS_TRACER_NAME);
  const ownsProducer = !options.producer;
  if (!options.producer && !options.kafka) throw new TypeError('createOutboxRelay needs kafka or producer');
  // One request in flight keeps a retried send from overtaking the next one (ordering).
  const producer =
    options.producer ?? options.kafka!.producer({ ...BUS_PRODUCER_CONFIG, ...options.producerConfig });
  const lease = createLease({
    connection: options.connection,
    name: options.leaseName ?? `outbox-relay:${options.collection ?? COMMITS_COLLECTION}`,
    owner: options.owner ?? `${hostname()}:${process.pid}:${randomUUID()}`,
    ttlMs: leaseTtlMs,
  });

  let running = false;
  let loop: Promise<void> | undefined;
  let producerConnected = !ownsProducer;
  let wakeRequested = false;
  let wake: (() => void) | undefined;
  let stopController = new AbortController();
  const state: OutboxRelayStatus = { running: false, leader: false, consecutiveFailures: 0, lastPublishedAt: null };

  function notify(): void {
    wakeRequested = true;
    wake?.();
  }

  /** Waits for notify(), stop() or the timeout, whichever comes first. */
  async function idle(ms: number): Promise<void> {
    if (wakeRequested) {
      wakeRequested = false;
      return;
    }
    const controller = new AbortController();
    wake = () => controller.abort();
    const onStop = () => controller.abort();
    stopController.signal.addEventListener('abort', onStop, { once: true });
    await sleep(ms, controller.signal);
    stopController.signal.removeEventListener('abort', onStop);
    wake = undefined;
    wakeRequested = false;
  }

  async function publishBatch(): Promise<number> {
    const batch = await model
      .find({ published: false }, { streamId: 1, aggregateType: 1, fromVersion: 1, events: 1, committedAt: 1 })
      .sort({ position: 1, _id: 1 })
      .limit(batchSize)
      .lean<PendingCommit[]>()
      .exec();
    if (batch.length === 0) return 0;
    const commits = await selectPublishable(model, batch);
    if (commits.length === 0) return batch.length;

    const byTopic = new Map<string, Message[]>();
    const outgoing: Outgoing[] = [];
    for (const commit of commits) {
      for (const event of commit.events) {
        const topic = topicFor(event, commit.aggregateType);
        const messages = byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!;
        const message = envelopeToMessage(event);
        messages.push(message);
        outgoing.push({ topic, event, message });
      }
    }
    // Refuse to publish on a lease that may already have passed to a standby.
    if (!lease.heldFor(leaseTtlMs / 4)) return batch.length;
    const spans = outgoing.map((item) => startPublish(tracer, item));
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      endSpans(spans, error);
      throw error;
    }
    endSpans(spans);
    const publishedAt = new Date();
    state.lastPublishedAt = publishedAt;
    // Per-document atomic flips; a crash before this line only means a re-publish (at-least-once).
    await model.updateMany({ _id: { $in: commits.map((commit) => commit._id) } }, { $set: { published: true, publishedAt } }).exec();
    const latenciesMs = commits.map((commit) => publishedAt.getTime() - commit.committedAt.getTime());
    const events = commits.reduce((sum, commit) => sum + commit.events.length, 0);
    options.hooks?.onPublished?.({ commits: commits.length, events, latenciesMs });
    logger.debug({ commits: commits.length, events }, 'outbox batch published');
    return batch.length;
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        if (!producerConnected) {
          await producer.connect();
          producerConnected = true;
        }
        // Renew at half-life so publishing never runs on the last quarter of the lease.
        if (!lease.heldFor(leaseTtlMs / 2)) {
          const held = await lease.acquire();
          if (held !== state.leader) logger.info({ leader: held }, held ? 'outbox relay took the lease' : 'outbox relay is standby');
          state.leader = held;
          if (!held) {
            // A standby polls slower and ignores notify(): taking over can wait, and the lease
            // document should not be hit on every append of a busy service.
            await sleep(Math.max(pollIntervalMs, leaseTtlMs / 5), stopController.signal);
            continue;
          }
        }
        const scanned = await publishBatch();
        state.consecutiveFailures = 0;
        if (scanned < batchSize) await idle(pollIntervalMs);
      } catch (error) {
        state.consecutiveFailures += 1;
        options.hooks?.onError?.(error);
        logger.warn({ err: error, failures: state.consecutiveFailures }, 'outbox relay batch failed; retrying');
        await sleep(backoffDelay(state.consecutiveFailures, retry), stopController.signal);
      }
    }
  }

  return {
    notify,
    status: () => ({ ...state, running }),
    async start() {
      if (running) return;
      running = true;
      stopController = new AbortController();
      loop = run();
    },
    async stop() {
      if (!running) return;
      running = false;
      stopController.abort();
      await loop;
      state.leader = false;
      await lease.release().catch((error: unknown) => logger.warn({ err: error }, 'lease release failed'));
      if (ownsProducer && producerConnected) {
        producerConnected = false;
        await producer.disconnect();
      }
    },
  };
}
