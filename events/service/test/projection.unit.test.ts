import { describe, expect, it } from 'vitest';
import type { AnyEventEnvelope } from '@tributary/contracts';
import { makeEnvelope, sampleEvents } from '@tributary/testing';
import { viewOf, type SingleStreamProjection, type StreamView } from '../projection.ts';

// viewOf: the view of a whole stream, e.g. the one a mutation just appended to (pure, no I/O).

interface StatusView extends StreamView {
  statuses: string[];
}
type OrderEvent = AnyEventEnvelope<'OrderPlaced' | 'OrderShipped'>;

const statuses: SingleStreamProjection<StatusView, OrderEvent> = {
  name: 'order-statuses',
  handles: (envelope): envelope is OrderEvent => envelope.type === 'OrderPlaced' || envelope.type === 'OrderShipped',
  evolve: (view, envelope) => ({
    _id: envelope.aggregateId,
    version: envelope.aggregateVersion,
    statuses: [...(view?.statuses ?? []), envelope.type],
  }),
};

const placed = makeEnvelope(sampleEvents.OrderPlaced, { aggregateId: 'o-1', aggregateVersion: 1 });
const confirmed = makeEnvelope(sampleEvents.OrderConfirmed, { aggregateId: 'o-1', aggregateVersion: 2 });
const shipped = makeEnvelope(sampleEvents.OrderShipped, { aggregateId: 'o-1', aggregateVersion: 3 });

describe('viewOf', () => {
  it('folds the events the projection handles, in order', () => {
    expect(viewOf(statuses, [placed, confirmed, shipped])).toEqual({ _id: 'o-1', version: 3, statuses: ['OrderPlaced', 'OrderShipped'] });
  });

  it('is null for an empty stream or one with nothing the projection handles', () => {
    expect(viewOf(statuses, [])).toBeNull();
    expect(viewOf(statuses, [confirmed])).toBeNull();
  });
});
