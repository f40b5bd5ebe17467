import { describe, expect, it } from 'vitest';
import type { AnyEventEnvelope } from '@tributary/contracts';
import { makeEnvelope } from './envelopes.ts';
import { ProjectionSpecification } from './projection-spec.ts';
import { sampleEvents } from './sample-events.ts';

// A toy shipment view of one order stream: the helper is tested on its own, apart from any
// real projection. Shipping an order that was never placed is an error.
interface ShipmentView {
  _id: string;
  version: number;
  status: 'placed' | 'shipped';
  units: number;
}
type ShipmentEvent = AnyEventEnvelope<'OrderPlaced' | 'OrderShipped'>;
class UnknownOrderError extends Error {}

const shipments = {
  handles: (envelope: AnyEventEnvelope): envelope is ShipmentEvent => envelope.type === 'OrderPlaced' || envelope.type === 'OrderShipped',
  evolve(view: ShipmentView | null, envelope: ShipmentEvent): ShipmentView {
    if (envelope.type === 'OrderPlaced') {
      const units = envelope.data.items.reduce((sum, item) => sum + item.quantity, 0);
      return { _id: envelope.aggregateId, version: envelope.aggregateVersion, status: 'placed', units };
    }
    if (!view) throw new UnknownOrderError(`order ${envelope.aggregateId} was never placed`);
    return { ...view, version: envelope.aggregateVersion, status: 'shipped' };
  },
};

const given = ProjectionSpecification.for(shipments);
const placed = makeEnvelope(sampleEvents.OrderPlaced, { aggregateId: 'o-1', aggregateVersion: 1 });
const confirmed = makeEnvelope(sampleEvents.OrderConfirmed, { aggregateId: 'o-1', aggregateVersion: 2 });
const shipped = makeEnvelope(sampleEvents.OrderShipped, { aggregateId: 'o-1', aggregateVersion: 3 });

describe('ProjectionSpecification', () => {
  it('then: passes when the document after the event is exactly the expected one', () => {
    given([]).when(placed).then({ _id: 'o-1', version: 1, status: 'placed', units: 2 });
    given([placed, confirmed]).when(shipped).then({ _id: 'o-1', version: 3, status: 'shipped', units: 2 });
    given().when(confirmed).then(null);
  });

  it('then: fails when the document differs, even by one field or an extra one', () => {
    expect(() => given([placed]).when(shipped).then({ _id: 'o-1', version: 3, status: 'placed', units: 2 })).toThrow();
    expect(() => given([placed]).when(shipped).then({ _id: 'o-1', version: 3, status: 'shipped' } as ShipmentView)).toThrow();
    expect(() => given([placed]).when(shipped).then(null)).toThrow();
  });

  it('folds only the given events the projection handles, in order', () => {
    // The confirmation in between is skipped, as the projector would skip it.
    given([placed, confirmed]).when(shipped).thenMatches({ status: 'shipped', version: 3 });
    // Without the placement in the history, shipping has nothing to fold into.
    given([confirmed]).when(shipped).thenThrows(UnknownOrderError);
  });

  it('thenMatches: passes on a subset of the fields, fails on a wrong one', () => {
    given([placed]).when(shipped).thenMatches({ status: 'shipped' });
    expect(() => given([placed]).when(shipped).thenMatches({ status: 'placed' })).toThrow();
    expect(() => given([placed]).when(shipped).thenMatches({ carrier: 'DHL' })).toThrow();
  });

  it('thenIgnored: passes for an event the projection does not handle, fails for one it does', () => {
    given([placed]).when(confirmed).thenIgnored();
    expect(() => given([placed]).when(shipped).thenIgnored()).toThrow();
  });

  it('thenThrows: passes when evolve throws that class, fails when it throws nothing or another class', () => {
    given([]).when(shipped).thenThrows(UnknownOrderError);
    given([]).when(shipped).thenThrows(Error);
    expect(() => given([placed]).when(shipped).thenThrows(UnknownOrderError)).toThrow();
    expect(() => given([]).when(shipped).thenThrows(RangeError)).toThrow();
  });

  it('then: reports an evolve that throws as a failure', () => {
    expect(() => given([]).when(shipped).then(null)).toThrow(UnknownOrderError);
  });

  it('does not let one specification leak state into the next', () => {
    const spec = given([placed]);
    spec.when(shipped).thenMatches({ status: 'shipped' });
    spec.when(placed).thenMatches({ status: 'placed', version: 1 });
  });
});
