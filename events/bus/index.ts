// The event runtime every service wires in app.ts: an event store that doubles as the outbox,
// the relay that drains it into Kafka, and the consumer side (retries, DLQ, exactly-once effects).
export { applyOnce, APPLIED_EVENT_IDS_FIELD, type ApplyOnceOptions } from './apply-once.ts';
export { backoffDelay, sleep, type RetryPolicy } from './backoff.ts';
export { createBusMetrics, UNPARSEABLE_EVENT_TYPE, type BusMetrics, type ConsumedOutcome } from './bus-metrics.ts';
export { createConsumerLagMonitor, partitionLag, type ConsumerGroupTopics, type ConsumerLagMonitor, type ConsumerLagOptions } from './consumer-lag.ts';
export { ensureCollection } from './collections.ts';
export { commitModel, COMMITS_COLLECTION, type StoredCommit } from './commit-model.ts';
export {
  createConsumerRunner,
  type ConsumerRunner,
  type ConsumerRunnerHooks,
  type ConsumerRunnerOptions,
  type HandlerContext,
  type HandlerResult,
} from './consumer-runner.ts';
export { DLQ_HEADERS, fromDeadLetter, toDeadLetter } from './dlq.ts';
export { parseCatalogueEvent, topicOfEvent, type BusEnvelope, type EnvelopeParser } from './envelope.ts';
export { ConcurrencyError, isDuplicateKeyError, MalformedMessageError, PermanentMessageError } from './errors.ts';
export {
  createEventStore,
  type AppendResult,
  type EventStore,
  type EventStoreOptions,
  type ReadStreamOptions,
} from './event-store.ts';
export { createKeyClaims, type KeyClaim, type KeyClaims } from './idempotency-keys.ts';
export {
  BUS_PRODUCER_CONFIG,
  decodeMessageValue,
  ENVELOPE_CONTENT_TYPE,
  envelopeToMessage,
  EVENT_HEADERS,
  headersToStrings,
} from './kafka-message.ts';
export { createLease, type Lease, type LeaseOptions } from './lease.ts';
export {
  createOutboxRelay,
  type OutboxRelay,
  type OutboxRelayHooks,
  type OutboxRelayOptions,
  type OutboxRelayStatus,
} from './outbox-relay.ts';
export { registerOutboxPendingGauge, type OutboxPendingOptions } from './outbox-pending.ts';
export { replayDlq, type ReplayDlqOptions } from './replay-dlq.ts';
export { ensureTopics } from './topics.ts';
export {
  handleCommand,
  type CommandHandlerDeps,
  type CommandMetadata,
  type CommandResult,
  type CommandSnapshots,
} from './command-handler.ts';
export { createSnapshotStore, SNAPSHOTS_COLLECTION, type Snapshot, type SnapshotStore, type SnapshotStoreOptions, type StoredSnapshot } from './snapshot-store.ts';
