import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentMessageError } from '@tributary/bus';
import type { AnyEventEnvelope, EventType } from '@tributary/contracts';
import { makeEnvelope, sampleEvents } from '@tributary/testing';
import { startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import { applyToReadModel, ProjectionGapError, type SingleStreamProjection, type StreamView } from '../projection.ts';

// applyToReadModel against the embedded MongoDB server through real mongoose: one document per
// stream, each event folded in exactly once and in order, also when projectors race.

interface CounterView extends StreamView {
  /** How many events were folded in: any double application shows here. */
  count: number;
  eventIds: string[];
}
type OrderEvent = AnyEventEnvelope<'OrderPlaced' | 'OrderConfirmed' | 'OrderShipped' | 'OrderCancelled'>;

const counter: SingleStreamProjection<CounterView, OrderEvent> = {
  name: 'order-event-counter',
  handles: (envelope): envelope is OrderEvent => envelope.type.startsWith('Order'),
  evolve: (view, envelope) => ({
    _id: envelope.aggregateId,
    version: envelope.aggregateVersion,
    count: (view?.count ?? 0) + 1,
    eventIds: [...(view?.eventIds ?? []), envelope.id],
  }),
};

let infrastructure: TestInfrastructure;
let connection: Connection;

beforeAll(async () => {
  infrastructure = await startInfrastructure();
  connection = await infrastructure.connect('projection_test');
});

afterAll(async () => {
  await infrastructure?.stop();
});

/** Events of one order stream, versions 1..count (types cycle; only their version matters here). */
function stream(count: number, aggregateId = `o-${randomUUID()}`): AnyEventEnvelope[] {
  const types: EventType[] = ['OrderPlaced', 'OrderConfirmed', 'OrderShipped', 'OrderCancelled'];
  return Array.from({ length: count }, (_, i) =>
    makeEnvelope(sampleEvents[types[i % types.length]!], { aggregateId, aggregateVersion: i + 1 }),
  );
}

function collection(name = `counters_${randomUUID().slice(0, 8)}`) {
  return connection.collection<CounterView>(name);
}

async function outcome(pending: Promise<unknown>): Promise<string> {
  return pending.then(
    (result) => (result as { outcome: string }).outcome,
    (error: unknown) => (error as Error).name,
  );
}

describe('applyToReadModel', () => {
  it('applies each version once, in order, and returns the new view', async () => {
    const counters = collection();
    const events = stream(3);
    const results = [];
    for (const event of events) results.push(await applyToReadModel(counters, counter, event));
    expect(results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
    expect(results[2]).toEqual({ outcome: 'applied', view: { _id: events[0]!.aggregateId, version: 3, count: 3, eventIds: events.map((e) => e.id) } });
    expect(await counters.findOne({ _id: events[0]!.aggregateId })).toEqual({
      _id: events[0]!.aggregateId,
      version: 3,
      count: 3,
      eventIds: events.map((e) => e.id),
    });
  });

  it('answers a redelivery with duplicate and changes nothing', async () => {
    const counters = collection();
    const events = stream(3);
    for (const event of events) await applyToReadModel(counters, counter, event);
    const stored = await counters.findOne({ _id: events[0]!.aggregateId });
    for (const again of [events[0]!, events[1]!, events[2]!, events[1]!]) {
      // The stored document comes back: a redelivery of the last event (version 3) is announced again.
      expect(await applyToReadModel(counters, counter, again)).toEqual({ outcome: 'duplicate', view: stored });
    }
    expect(await counters.findOne({ _id: events[0]!.aggregateId })).toMatchObject({ version: 3, count: 3 });
  });

  it('refuses an event that skips ahead with a ProjectionGapError (parked at once), and changes nothing', async () => {
    const counters = collection();
    const events = stream(5);
    await applyToReadModel(counters, counter, events[0]!);
    await applyToReadModel(counters, counter, events[1]!);
    const gap = await applyToReadModel(counters, counter, events[4]!).catch((error: unknown) => error);
    expect(gap).toBeInstanceOf(ProjectionGapError);
    expect(gap).toBeInstanceOf(PermanentMessageError);
    expect((gap as Error).message).toBe(`order-event-counter ${events[0]!.aggregateId}: got version 5, read model is at 2`);
    expect(await counters.findOne({ _id: events[0]!.aggregateId })).toMatchObject({ version: 2, count: 2 });
    // Once the missing events land (a DLQ replay), the parked one applies.
    await applyToReadModel(counters, counter, events[2]!);
    await applyToReadModel(counters, counter, events[3]!);
    expect((await applyToReadModel(counters, counter, events[4]!)).outcome).toBe('applied');
  });

  it('refuses a first event that is not version 1', async () => {
    const counters = collection();
    const [, second] = stream(2);
    await expect(applyToReadModel(counters, counter, second!)).rejects.toThrow(/got version 2, read model is at 0/);
    expect(await counters.countDocuments()).toBe(0);
  });

  it('ignores events the projection does not handle, without touching the database', async () => {
    const counters = collection();
    const payment = makeEnvelope(sampleEvents.PaymentCaptured, { aggregateId: 'p-1', aggregateVersion: 7 });
    expect(await applyToReadModel(counters, counter, payment)).toEqual({ outcome: 'ignored' });
    expect(await counters.countDocuments()).toBe(0);
  });

  it('keeps streams apart: one document per aggregate id', async () => {
    const counters = collection();
    const [a, b] = [stream(2), stream(3)];
    for (const event of [a[0]!, b[0]!, b[1]!, a[1]!, b[2]!]) await applyToReadModel(counters, counter, event);
    const docs = await counters.find({}, { projection: { version: 1, count: 1 } }).sort({ version: 1 }).toArray();
    expect(docs).toEqual([
      { _id: a[0]!.aggregateId, version: 2, count: 2 },
      { _id: b[0]!.aggregateId, version: 3, count: 3 },
    ]);
  });

  it('works with a mongoose model as the target', async () => {
    const schema = new Schema<CounterView>({ _id: String, version: Number, count: Number, eventIds: [String] }, { versionKey: false });
    const model: Model<CounterView> = connection.model<CounterView>(`Counter${randomUUID().slice(0, 8)}`, schema);
    const events = stream(2);
    for (const event of events) await applyToReadModel(model, counter, event);
    expect(await applyToReadModel(model, counter, events[0]!)).toEqual({ outcome: 'duplicate', view: expect.objectContaining({ version: 2, count: 2 }) });
    expect(await model.findById(events[0]!.aggregateId).lean()).toMatchObject({ version: 2, count: 2 });
  });
});

describe('applyToReadModel under concurrent projectors', () => {
  it('applies the first event of a stream once when two projectors insert it at the same time', async () => {
    const counters = collection();
    for (let round = 0; round < 10; round += 1) {
      const [first] = stream(1);
      const outcomes = await Promise.all([outcome(applyToReadModel(counters, counter, first!)), outcome(applyToReadModel(counters, counter, first!))]);
      expect(outcomes.sort()).toEqual(['applied', 'duplicate']);
      expect(await counters.findOne({ _id: first!.aggregateId })).toMatchObject({ version: 1, count: 1 });
    }
  });

  it('applies a later event once when two projectors replace the document at the same time', async () => {
    const counters = collection();
    for (let round = 0; round < 10; round += 1) {
      const events = stream(2);
      await applyToReadModel(counters, counter, events[0]!);
      const outcomes = await Promise.all([outcome(applyToReadModel(counters, counter, events[1]!)), outcome(applyToReadModel(counters, counter, events[1]!))]);
      expect(outcomes.sort()).toEqual(['applied', 'duplicate']);
      expect(await counters.findOne({ _id: events[0]!.aggregateId })).toMatchObject({ version: 2, count: 2, eventIds: events.map((e) => e.id) });
    }
  });

  it('never folds an event twice when many redeliveries race', async () => {
    const counters = collection();
    const events = stream(4);
    for (const event of events) {
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => outcome(applyToReadModel(counters, counter, event))));
      expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(4);
    }
    expect(await counters.findOne({ _id: events[0]!.aggregateId })).toMatchObject({ version: 4, count: 4 });
  });
});
