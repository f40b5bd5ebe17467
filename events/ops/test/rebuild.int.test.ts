import { randomUUID } from 'node:crypto';
import { createEventStore, envelopeToMessage, type EventStore } from '@tributary/bus';
import { TOPICS, type AnyEventEnvelope } from '@tributary/contracts';
import { applyToReadModel } from '@tributary/service';
import { startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import type { Connection, mongo } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderReadModel } from '../../../subgraphs/order/src/projections/order-read-model.ts';
import { orderProjection } from '../../../subgraphs/order/src/projections/order-view.ts';
import { digestCollection, type Digest } from '../rebuild/digest.ts';
import { eventStoreSource, topicSource, type EventSource } from '../rebuild/event-sources.ts';
import { rebuildProjection } from '../rebuild/rebuild-projection.ts';
import { SERVICE_PROJECTIONS, selectTargets, serviceProjections, UnknownNameError, validateNames, type RebuildTarget } from '../rebuild/registry.ts';
import { orderStream } from './ops-fixtures.ts';

let infra: TestInfrastructure;
let connection: Connection;
let store: EventStore;
let target: RebuildTarget;
const all: AnyEventEnvelope[] = [];

/** What the live projector does with each event: the documents a correct read model holds. */
async function project(collection: mongo.Collection, events: readonly AnyEventEnvelope[]): Promise<void> {
  for (const event of events) await applyToReadModel(collection as never, orderProjection, event);
}

async function append(events: AnyEventEnvelope[]): Promise<void> {
  for (const event of events) await store.append(event.aggregateId, event.aggregateVersion - 1, [event]);
  all.push(...events);
}

/** The digest of a correct read model of every event so far, built apart with the projector's writes. */
async function expectedDigest(): Promise<Digest> {
  const scratch = connection.db!.collection(`expected-${randomUUID()}`);
  await project(scratch, all);
  const digest = await digestCollection(scratch);
  await scratch.drop();
  return digest;
}

async function collectionNames(): Promise<string[]> {
  return (await connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
}

const live = () => connection.db!.collection('orders');

beforeAll(async () => {
  infra = await startInfrastructure();
  connection = await infra.connect('tributary_order');
  store = createEventStore({ connection, aggregateType: 'order' });
  await store.init();
  const model = orderReadModel(connection);
  await model.init();
  await model.createIndexes();
  target = { projection: orderProjection, model, source: 'event-store' };
  const endings = ['OrderConfirmed', 'OrderCancelled', null] as const;
  for (let i = 0; i < 30; i += 1) await append(orderStream(randomUUID(), `customer-${i % 4}`, endings[i % 3]!));
  await project(live(), all);
});

afterAll(async () => {
  await infra?.stop();
});

describe('rebuild of a read model from the event store', () => {
  it('refuses unknown services and projections, naming the valid ones', () => {
    expect(() => validateNames('shipping', undefined)).toThrow(new UnknownNameError('unknown service "shipping"; valid services: order, inventory, payment, notification'));
    expect(() => validateNames('inventory', 'orders')).toThrow(/unknown projection "orders" of inventory; valid projections: products, reservations/);
    expect(() => validateNames('order', 'orders')).not.toThrow();
    expect(() => selectTargets('order', serviceProjections('order', SERVICE_PROJECTIONS).targets(connection, {}), 'nope')).toThrow(/valid projections: orders/);
  });

  it('in a dry run builds the correct documents and changes nothing', async () => {
    const correct = await digestCollection(live());
    expect(correct).toEqual(await expectedDigest());
    await live().deleteMany({ _id: { $in: all.slice(0, 6).map((e) => e.aggregateId) } } as never);
    await live().updateOne({ _id: all[10]!.aggregateId } as never, { $set: { status: 'SHIPPED' } });
    const corrupted = await digestCollection(live());
    const namesBefore = await collectionNames();

    const result = await rebuildProjection(connection, target, eventStoreSource(connection), { dryRun: true });
    expect(result).toMatchObject({ projection: 'orders', collection: 'orders', dryRun: true, keptAs: null, equal: false, events: all.length });
    expect(result.before).toEqual(corrupted);
    expect(result.after).toEqual(correct);
    expect(await digestCollection(live())).toEqual(corrupted);
    expect(await collectionNames()).toEqual(namesBefore);
  });

  it('restores deleted and corrupted documents exactly, keeps the old collection and the indexes', async () => {
    const correct = await expectedDigest();
    await live().deleteMany({ _id: all[20]!.aggregateId } as never);
    await live().insertOne({ _id: 'not-an-order', version: 7 } as never);
    const corrupted = await digestCollection(live());
    const indexes = (await live().indexes()).map((index) => index.name).sort();

    const result = await rebuildProjection(connection, target, eventStoreSource(connection), { now: () => new Date('2026-11-26T03:35:00.000Z') });
    expect(result.before).toEqual(corrupted);
    expect(result.after).toEqual(correct);
    expect(result.equal).toBe(false);
    expect(result.keptAs).toBe('orders.before-rebuild-20261126T033500000Z');
    expect(await digestCollection(live())).toEqual(correct);
    expect(await digestCollection(connection.db!.collection(result.keptAs!))).toEqual(corrupted);
    expect((await live().indexes()).map((index) => index.name).sort()).toEqual(indexes);
    expect((await collectionNames()).filter((name) => name.includes('.rebuild-'))).toEqual([]);

    // Rebuilding a correct read model changes nothing: before and after agree.
    const again = await rebuildProjection(connection, target, eventStoreSource(connection), { dropOld: true });
    expect(again).toMatchObject({ equal: true, keptAs: null, before: correct, after: correct });
  });

  it('catches up with events appended while it builds and while it swaps, applying none twice', async () => {
    const late = orderStream(randomUUID(), 'late-customer', 'OrderConfirmed');
    const base = eventStoreSource(connection);
    let injected = false;
    // A source that, like a running service, gets new events while the rebuild runs: an order
    // placed during the full pass, and its second event right before the swap (after the last
    // catch-up found nothing new), which the live projector also writes to the old collection.
    const busy: EventSource = {
      ...base,
      async readAll(onEvent) {
        const read = await base.readAll(onEvent);
        await append([late[0]!]);
        return read;
      },
      async readNew(onEvent, options) {
        const read = await base.readNew(onEvent, options);
        if (options?.quick && read === 0 && !injected) {
          injected = true;
          await append([late[1]!]);
          await project(live(), late);
        }
        return read;
      },
    };

    const result = await rebuildProjection(connection, target, busy, { dropOld: true });
    expect(injected).toBe(true);
    expect(result.caughtUp).toEqual({ beforeSwap: 1, afterSwap: 1 });
    expect(result.after).toEqual(await expectedDigest());
    expect(await digestCollection(live())).toEqual(await expectedDigest());
    expect(await live().findOne({ _id: late[0]!.aggregateId } as never)).toMatchObject({ status: 'CONFIRMED', version: 2 });
  });
});

describe('rebuild of a read model from a topic', () => {
  it('folds the topic from its start, ignoring redeliveries and messages that are not events', async () => {
    const other = await infra.connect('tributary_ops_topic');
    const model = orderReadModel(other);
    const kafka = infra.kafka('ops-rebuild-topic');
    const producer = kafka.producer();
    await producer.connect();
    const events = all.slice(0, 12);
    await producer.send({ topic: TOPICS.order, acks: -1, messages: [...events, events[0]!, events[5]!].map(envelopeToMessage) });
    await producer.send({ topic: TOPICS.order, acks: -1, messages: [{ key: 'junk', value: 'not json' }] });
    await producer.disconnect();

    const reference = other.db!.collection('reference');
    await project(reference, events);
    const result = await rebuildProjection(other, { projection: orderProjection, model, source: { topic: TOPICS.order } }, topicSource(kafka, TOPICS.order));
    expect(result.after).toEqual(await digestCollection(reference));
    expect(result.before).toEqual({ count: 0, sha256: (await digestCollection(other.db!.collection('nothing-here'))).sha256 });
    expect(result).toMatchObject({ unreadable: 1, events: events.length + 2, source: `topic ${TOPICS.order}` });
  });
});
