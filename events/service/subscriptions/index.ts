// Read-model changes for GraphQL subscriptions: the feed (Redis or in-process), publishing from
// projections, and the AsyncIterator a subscription resolver returns.
export { channelPrefix, decodeChange, encodeChange, type ChangeFeed, type ChangeListener, type Unsubscribe } from './change-feed.ts';
export { DEFAULT_MAX_BUFFERED, subscribeToChanges, type ChangeStreamOptions } from './change-stream.ts';
export { createMemoryChangeFeed } from './memory-change-feed.ts';
export { SubscriptionOverflowError } from './overflow-error.ts';
export { changeToAnnounce, createChangePublisher, type ChangePublisher, type ReadModelTarget } from './publish-changes.ts';
export { readModelConsumer, type ReadModelConsumerOptions } from './read-model-consumer.ts';
export { createRedisChangeFeed, type RedisChangeFeedOptions } from './redis-change-feed.ts';
