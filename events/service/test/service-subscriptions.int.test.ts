import { randomUUID } from 'node:crypto';
import { parse } from 'graphql';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeToMessage } from '@tributary/bus';
import type { Actor, AnyEventEnvelope, EventType } from '@tributary/contracts';
import { createLogger } from '@tributary/telemetry';
import { makeEnvelope, sampleEvents } from '@tributary/testing';
import {
  connectSubgraphSubscriptions,
  countSubscriptions,
  eventually,
  startInfrastructure,
  type SubgraphSubscriptions,
  type TestInfrastructure,
} from '@tributary/testing/stack';
import { canSee, requireActor, type ServiceContext } from '../context.ts';
import type { SingleStreamProjection, StreamView } from '../projection.ts';
import { createService, type Service } from '../service.ts';
import type { ChangeFeed } from '../subscriptions/change-feed.ts';
import { subscribeToChanges } from '../subscriptions/change-stream.ts';
import { readModelConsumer } from '../subscriptions/read-model-consumer.ts';
import { createRedisChangeFeed } from '../subscriptions/redis-change-feed.ts';

// createService serving subscriptions on its own port (graphql-ws), fed by a projection through
// a Redis change feed on the embedded Redis: the kit's wiring, once, with a tiny schema.

const NAME = 'kitsubs';
const TOPIC = 'kit-subscriptions.events';
const CHANNEL = 'counters';

interface CounterView extends StreamView {
  owner: string;
  count: number;
}
type OrderEvent = AnyEventEnvelope<'OrderPlaced' | 'OrderConfirmed' | 'OrderShipped'>;

/** Every counter belongs to alice: bob must never see one. */
const projection: SingleStreamProjection<CounterView, OrderEvent> = {
  name: 'counters',
  handles: (envelope): envelope is OrderEvent => envelope.type.startsWith('Order'),
  evolve: (view, envelope) => ({ _id: envelope.aggregateId, version: envelope.aggregateVersion, owner: 'alice', count: (view?.count ?? 0) + 1 }),
};

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Counter { id: ID! count: Int! next: Counter }
  type Query { ping: Boolean }
  type Subscription { counterChanged(includeCurrent: Boolean = false): Counter! }
`);

const alice: Actor = { customerId: 'alice', role: 'customer' };
const bob: Actor = { customerId: 'bob', role: 'customer' };
const SUBSCRIBE = 'subscription($current: Boolean) { counterChanged(includeCurrent: $current) { id count } }';

let infra: TestInfrastructure;
let feed: ChangeFeed & { active(channel?: string): number };
let service: Service;
let url: string;
let producer: Producer;
let client: SubgraphSubscriptions;

beforeAll(async () => {
  infra = await startInfrastructure({ partitions: 2, redis: true });
  const logger = createLogger('kit-subscriptions-test', 'silent');
  feed = countSubscriptions(createRedisChangeFeed({ url: infra.redisUrl!, service: NAME, logger }));
  const connection = await infra.connect(`tributary_${NAME}_${randomUUID().slice(0, 8)}`);
  const counters = connection.collection<CounterView>('counters');
  service = createService(
    {
      name: NAME,
      config: { host: '127.0.0.1', port: 0, kafkaPartitions: 2 },
      logger,
      connection,
      kafka: infra.kafka(NAME),
      verifier: await infra.verifier(NAME),
      groupSuffix: `.${randomUUID()}`,
      limits: { maxDepth: 2 },
      changeFeed: feed,
    },
    (runtime) => ({
      typeDefs,
      resolvers: {
        Subscription: {
          counterChanged: {
            subscribe: (_: unknown, args: { includeCurrent: boolean }, context: ServiceContext) => {
              const actor = requireActor(context);
              return subscribeToChanges<CounterView>({
                feed: runtime.changes,
                channel: CHANNEL,
                accept: (view) => canSee(actor, view.owner),
                initial: async () => (args.includeCurrent ? counters.find({}).toArray() : []),
              });
            },
            resolve: (view: CounterView) => view,
          },
        },
        Counter: { id: (view: CounterView) => view._id, next: () => null },
      },
      topics: [TOPIC],
      consumers: [readModelConsumer(runtime, { name: 'counters', topics: [TOPIC], model: counters, projection, channel: CHANNEL })],
    }),
  );
  url = await service.start();
  producer = infra.kafka('kit-subscriptions-producer').producer();
  await producer.connect();
  client = connectSubgraphSubscriptions(url, { audience: NAME, signer: infra.signer });
});

afterAll(async () => {
  await client?.close();
  await producer?.disconnect();
  await service?.stop();
  await infra?.stop();
});

async function produce(aggregateId: string, aggregateVersion: number): Promise<void> {
  const types: EventType[] = ['OrderPlaced', 'OrderConfirmed', 'OrderShipped'];
  const envelope = makeEnvelope(sampleEvents[types[(aggregateVersion - 1) % types.length]!], { aggregateId, aggregateVersion });
  await producer.send({ topic: TOPIC, acks: -1, messages: [envelopeToMessage(envelope)] });
}

/** Waits until `count` subscriptions of this file are live on the service side. */
const subscribed = (count: number) => eventually(async () => feed.active(CHANNEL) >= count, 10_000, `${count} live subscriptions`);

describe('subscriptions served by the kit', () => {
  it('deliver a projected change to a subscriber, on the same port as HTTP', async () => {
    const probe = await client.subscribe(SUBSCRIBE, undefined, alice);
    await subscribed(1);
    const id = `c-${randomUUID()}`;
    await produce(id, 1);
    expect(await probe.take(1)).toEqual([{ data: { counterChanged: { id, count: 1 } } }]);
    probe.unsubscribe();
    await eventually(async () => feed.active(CHANNEL) === 0, 10_000, 'the subscription to end on the server');
  });

  it('send the current state first with includeCurrent, then the changes', async () => {
    const id = `c-${randomUUID()}`;
    // The watcher says when the counter is in the read model.
    const watcher = await client.subscribe(SUBSCRIBE, undefined, alice);
    await subscribed(1);
    await produce(id, 1);
    await watcher.take(1);
    const probe = await client.subscribe<{ counterChanged: { id: string; count: number } }>(SUBSCRIBE, { current: true }, alice);
    const mine = () => probe.results.map((result) => result.data?.counterChanged).filter((counter) => counter?.id === id);
    await eventually(async () => mine().length === 1, 10_000, 'the current state');
    await produce(id, 2);
    await eventually(async () => mine().length === 2, 10_000, 'the change');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(mine()).toEqual([{ id, count: 1 }, { id, count: 2 }]);
    watcher.unsubscribe();
    probe.unsubscribe();
  });

  it('send a customer nothing that is not theirs', async () => {
    const asBob = await client.subscribe(SUBSCRIBE, undefined, bob);
    const asAlice = await client.subscribe(SUBSCRIBE, undefined, alice);
    await subscribed(2);
    await produce(`c-${randomUUID()}`, 1);
    await asAlice.take(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(asBob.results).toEqual([]);
    asBob.unsubscribe();
    asAlice.unsubscribe();
  });

  it('refuse an anonymous caller with UNAUTHENTICATED, and an operation past the limits', async () => {
    const anonymous = await client.subscribe(SUBSCRIBE, undefined, null);
    expect((await anonymous.take(1))[0]?.errors).toEqual([expect.objectContaining({ path: ['counterChanged'], extensions: { code: 'UNAUTHENTICATED' } })]);
    const deep = await client.subscribe('subscription { counterChanged { next { id } } }', undefined, alice);
    const end = await deep.ended();
    expect(end.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' });
  });

  it('report the Redis feed in readiness', async () => {
    const response = await fetch(url.replace(/\/graphql$/, '/ready'));
    expect(await response.json()).toMatchObject({ status: 'ok', checks: { redis: { ok: true } } });
  });

  it('end live subscriptions and close the feed on stop()', async () => {
    const probe = await client.subscribe(SUBSCRIBE, undefined, alice);
    await subscribed(1);
    await service.stop();
    expect((await probe.ended()).closed?.code).toBe(1001);
    expect(feed.active(CHANNEL)).toBe(0);
    await expect(feed.subscribe(CHANNEL, () => undefined)).rejects.toThrow(/closed/);
  });
});
