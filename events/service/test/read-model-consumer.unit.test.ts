import type { AnyEventEnvelope } from '@tributary/contracts';
import { makeEnvelope, sampleEvents } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import type { ProjectionOutcome, SingleStreamProjection, StreamView } from '../projection.ts';
import { readModelConsumer } from '../subscriptions/read-model-consumer.ts';
import type { ChangePublisher } from '../subscriptions/publish-changes.ts';

const projection: SingleStreamProjection<StreamView> = {
  name: 'test',
  handles: (_envelope): _envelope is AnyEventEnvelope => true,
  evolve: (_view, event) => ({ _id: event.aggregateId, version: event.aggregateVersion }),
};
const context = {} as Parameters<ReturnType<typeof readModelConsumer>['handle']>[1];

/** A consumer whose projection answers `outcome`, recording what onApplied saw. */
function consumerAnswering(outcome: ProjectionOutcome) {
  const applied: string[] = [];
  const projections: ChangePublisher = { apply: async () => outcome };
  const consumer = readModelConsumer({ projections }, {
    name: 'read-model',
    topics: ['t'],
    model: {} as never,
    projection,
    channel: 'c',
    onApplied: (envelope, view) => applied.push(`${envelope.type} v${view.version}`),
  });
  return { consumer, applied };
}

describe('readModelConsumer', () => {
  const envelope = makeEnvelope(sampleEvents.OrderConfirmed, { aggregateVersion: 2 });

  it('reports an applied event once, with the new document', async () => {
    const { consumer, applied } = consumerAnswering({ outcome: 'applied', view: { _id: envelope.aggregateId, version: 2 } });
    expect(await consumer.handle(envelope, context)).toBeUndefined();
    expect(applied).toEqual(['OrderConfirmed v2']);
  });

  it('calls a redelivery skipped and reports nothing (business counters count each event once)', async () => {
    const { consumer, applied } = consumerAnswering({ outcome: 'duplicate', view: { _id: envelope.aggregateId, version: 2 } });
    expect(await consumer.handle(envelope, context)).toBe('skipped');
    expect(applied).toEqual([]);
  });

  it('treats an event the projection does not fold as processed, without reporting it', async () => {
    const { consumer, applied } = consumerAnswering({ outcome: 'ignored' });
    expect(await consumer.handle(envelope, context)).toBeUndefined();
    expect(applied).toEqual([]);
  });
});
