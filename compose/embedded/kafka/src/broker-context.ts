// Everything the API handlers share, passed in explicitly (no module-level state).
import type { Logger } from 'pino';
import type { TopicRegistry } from './storage/topic-registry.ts';
import type { OffsetStore } from './storage/offset-store.ts';
import type { GroupCoordinator } from './groups/group-coordinator.ts';
import type { FetchWaiters } from './server/fetch-waiters.ts';

export interface BrokerConfig {
  nodeId: number;
  /** advertised host and port (the port is known once listening) */
  host: string;
  port: number;
  clusterId: string;
  defaultPartitions: number;
  autoCreateTopics: boolean;
  fsyncAlways: boolean;
  verifyCrcOnProduce: boolean;
  maxMessageBytes: number;
}

export interface BrokerContext {
  config: BrokerConfig;
  topics: TopicRegistry;
  offsets: OffsetStore;
  groups: GroupCoordinator;
  fetchWaiters: FetchWaiters;
  logger: Logger;
}
