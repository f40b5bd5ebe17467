// Test fixtures that start real servers; a separate entry point so that unit tests of deciders
// and projections never load kafkajs, mongoose or the embedded servers.
export * from './infrastructure.ts';
export * from './redis-servers.ts';
export * from './subscriptions.ts';
