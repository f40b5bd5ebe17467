import { randomUUID } from 'node:crypto';
import { BUS_PRODUCER_CONFIG, envelopeToMessage } from '@tributary/bus';
import { createEnvelope, TOPICS, type Actor, type AnyEventEnvelope, type DomainEvent, type StockLine } from '@tributary/contracts';
import type { ChangeFeed, Service } from '@tributary/service';
import { callSubgraph, type GraphQLResult, type TestInfrastructure } from '@tributary/testing/stack';
import { createLogger } from '@tributary/telemetry';
import type { Producer } from 'kafkajs';
import { createInventoryService } from '../src/app.ts';

/** Fixtures shared by the inventory integration tests: a running service and an order-topic producer. */
export interface InventoryHarness {
  service: Service;
  url: string;
  /** Consumer groups of this run (unique per test file). */
  groupSuffix: string;
  gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, actor: Actor | null): Promise<GraphQLResult<T>>;
  /** Publishes order events as the order service's relay would (key = order id). */
  publish(...envelopes: AnyEventEnvelope[]): Promise<void>;
  /** Resolves once the reservations consumer has committed everything on the order topic. */
  reactionsCaughtUp(): Promise<boolean>;
  stop(): Promise<void>;
}

export const admin: Actor = { customerId: 'admin-1', role: 'admin' };
export const customer = (customerId = 'c-1'): Actor => ({ customerId, role: 'customer' });

export async function startInventory(
  infra: TestInfrastructure,
  database: string,
  options: { seedDemoCatalogue?: boolean; productSnapshotEvery?: number; changeFeed?: ChangeFeed } = {},
): Promise<InventoryHarness> {
  const groupSuffix = `.${randomUUID()}`;
  const kafka = infra.kafka(`inventory-test-${database}`);
  const service = createInventoryService({
    config: { host: '127.0.0.1', port: 0, kafkaPartitions: 4 },
    logger: createLogger('inventory-test', 'silent'),
    connection: await infra.connect(database),
    kafka,
    verifier: await infra.verifier('inventory'),
    groupSuffix,
    // Small, so that the tests' few orders per product run through snapshots too.
    productSnapshotEvery: 3,
    ...options,
  });
  const url = await service.start();
  const producer: Producer = kafka.producer(BUS_PRODUCER_CONFIG);
  await producer.connect();
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();

  return {
    service,
    url,
    groupSuffix,
    gql: (query, variables, actor) => callSubgraph(url, { query, variables }, { audience: 'inventory', actor, signer: infra.signer }),
    async publish(...envelopes) {
      await producer.send({ topic: TOPICS.order, messages: envelopes.map(envelopeToMessage) });
    },
    async reactionsCaughtUp() {
      const ends = await kafkaAdmin.fetchTopicOffsets(TOPICS.order);
      const [committed] = await kafkaAdmin.fetchOffsets({ groupId: `inventory.reservations${groupSuffix}`, topics: [TOPICS.order] });
      return ends.every(({ partition, high }) => {
        const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        return high === '0' || Number(offset) >= Number(high);
      });
    },
    async stop() {
      await producer.disconnect();
      await kafkaAdmin.disconnect();
      await service.stop();
    },
  };
}

/** An order event envelope as the order service would write it (versions per order stream). */
function orderEnvelope(event: DomainEvent, orderId: string, aggregateVersion: number): AnyEventEnvelope {
  return createEnvelope(event as DomainEvent<'OrderPlaced'>, {
    id: randomUUID(),
    aggregateId: orderId,
    aggregateVersion,
    occurredAt: new Date().toISOString(),
    correlationId: orderId,
    causationId: randomUUID(),
    actor: { customerId: 'system', role: 'system' },
  });
}

export function orderPlaced(orderId: string, items: StockLine[], customerId = 'c-1'): AnyEventEnvelope {
  const data = { orderId, customerId, items, idempotencyKey: null, paymentMethod: 'pm_card_ok', placedAt: new Date().toISOString() };
  return orderEnvelope({ type: 'OrderPlaced', data }, orderId, 1);
}

export function orderCancelled(orderId: string): AnyEventEnvelope {
  const data = {
    orderId,
    reason: 'CUSTOMER_REQUEST' as const,
    detail: 'changed my mind',
    cancelledBy: 'system' as const,
    previousStatus: 'PENDING' as const,
    cancelledAt: new Date().toISOString(),
  };
  return orderEnvelope({ type: 'OrderCancelled', data }, orderId, 2);
}

export function orderShipped(orderId: string, aggregateVersion = 3): AnyEventEnvelope {
  return orderEnvelope({ type: 'OrderShipped', data: { orderId, shippedAt: new Date().toISOString() } }, orderId, aggregateVersion);
}

export const PRODUCT_FIELDS = 'sku name priceCents currency available reserved';
