import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyEventEnvelope, EventType } from '@tributary/contracts';
import { createLogger, createMetricsRegistry } from '@tributary/telemetry';
import { makeEnvelope, sampleEvents } from '@tributary/testing';
import { startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import type { SingleStreamProjection, StreamView } from '../projection.ts';
import type { ChangeFeed } from '../subscriptions/change-feed.ts';
import { createMemoryChangeFeed } from '../subscriptions/memory-change-feed.ts';
import { createChangePublisher } from '../subscriptions/publish-changes.ts';

// Publishing from projections against the embedded MongoDB: what is announced after each
// outcome, and that a feed that fails never fails the projection.

interface CounterView extends StreamView {
  count: number;
}
type OrderEvent = AnyEventEnvelope<'OrderPlaced' | 'OrderConfirmed' | 'OrderShipped'>;

const counter: SingleStreamProjection<CounterView, OrderEvent> = {
  name: 'counter',
  handles: (envelope): envelope is OrderEvent => envelope.type.startsWith('Order'),
  evolve: (view, envelope) => ({ _id: envelope.aggregateId, version: envelope.aggregateVersion, count: (view?.count ?? 0) + 1 }),
};

let infra: TestInfrastructure;
let connection: Connection;
const logger = createLogger('publish-changes-test', 'silent');

beforeAll(async () => {
  infra = await startInfrastructure();
  connection = await infra.connect('publish_changes_test');
});

afterAll(async () => {
  await infra?.stop();
});

function stream(count: number, aggregateId = `o-${randomUUID()}`): AnyEventEnvelope[] {
  const types: EventType[] = ['OrderPlaced', 'OrderConfirmed', 'OrderShipped'];
  return Array.from({ length: count }, (_, i) => makeEnvelope(sampleEvents[types[i % types.length]!], { aggregateId, aggregateVersion: i + 1 }));
}

/** A real in-process feed and everything published on `channel`. */
async function recordedFeed(channel = 'counters') {
  const feed = createMemoryChangeFeed({ logger });
  const published: StreamView[] = [];
  await feed.subscribe(channel, (change) => void published.push(change));
  return { feed, published };
}

const failuresOf = async (metrics: ReturnType<typeof createMetricsRegistry>) =>
  ((await metrics.getSingleMetric('change_feed_publish_failures_total')?.get())?.values ?? []).map(({ labels, value }) => ({ labels, value }));

describe('createChangePublisher().apply', () => {
  it('announces the new document after each applied event', async () => {
    const { feed, published } = await recordedFeed();
    const publisher = createChangePublisher({ feed, logger, metrics: createMetricsRegistry({ service: 'kit', defaultMetrics: false }) });
    const counters = connection.collection<CounterView>(`counters_${randomUUID().slice(0, 8)}`);
    const events = stream(2);
    for (const event of events) expect((await publisher.apply(counters, counter, event, 'counters')).outcome).toBe('applied');
    expect(published).toEqual([
      { _id: events[0]!.aggregateId, version: 1, count: 1 },
      { _id: events[0]!.aggregateId, version: 2, count: 2 },
    ]);
  });

  it('announces again on a redelivery of the event the document is at, never for older ones or foreign events', async () => {
    const { feed, published } = await recordedFeed();
    const publisher = createChangePublisher({ feed, logger, metrics: createMetricsRegistry({ service: 'kit', defaultMetrics: false }) });
    const counters = connection.collection<CounterView>(`counters_${randomUUID().slice(0, 8)}`);
    const events = stream(3);
    for (const event of events) await publisher.apply(counters, counter, event, 'counters');
    published.length = 0;
    // The projector stopped after writing version 3 but before announcing it: the redelivery announces.
    expect((await publisher.apply(counters, counter, events[2]!, 'counters')).outcome).toBe('duplicate');
    expect(published).toEqual([{ _id: events[0]!.aggregateId, version: 3, count: 3 }]);
    await publisher.apply(counters, counter, events[0]!, 'counters');
    await publisher.apply(counters, counter, events[1]!, 'counters');
    const payment = makeEnvelope(sampleEvents.PaymentCaptured, { aggregateId: 'p-1', aggregateVersion: 1 });
    expect((await publisher.apply(counters, counter, payment, 'counters')).outcome).toBe('ignored');
    expect(published).toHaveLength(1);
  });

  it('applies the event even when the feed cannot publish, and counts and logs the failure', async () => {
    // A real feed in a failing state: closed feeds refuse every publish.
    const broken: ChangeFeed = createMemoryChangeFeed({ logger });
    await broken.close();
    const metrics = createMetricsRegistry({ service: 'kit', defaultMetrics: false });
    const publisher = createChangePublisher({ feed: broken, logger, metrics });
    const counters = connection.collection<CounterView>(`counters_${randomUUID().slice(0, 8)}`);
    const [first] = stream(1);
    expect((await publisher.apply(counters, counter, first!, 'counters')).outcome).toBe('applied');
    expect(await counters.findOne({ _id: first!.aggregateId })).toMatchObject({ version: 1, count: 1 });
    expect(await failuresOf(metrics)).toEqual([{ labels: { channel: 'counters' }, value: 1 }]);
  });
});
