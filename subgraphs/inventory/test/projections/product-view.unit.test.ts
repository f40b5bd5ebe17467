import type { AnyEventEnvelope, DomainEvent, EventType } from '@tributary/contracts';
import { makeEnvelope, ProjectionSpecification, sampleEvents } from '@tributary/testing';
import { describe, it } from 'vitest';
import { productProjection } from '../../src/projections/product-view.ts';
import { itemReleased, itemReserved, itemShipped, productAdded, stockReplenished } from '../domain/fixtures.ts';

const given = ProjectionSpecification.for(productProjection);

/** The events of one product stream, numbered as the event store would number them. */
function stream(...events: DomainEvent[]): AnyEventEnvelope[] {
  return events.map((event, index) => makeEnvelope(event as DomainEvent<EventType>, { aggregateId: 'SKU-1', aggregateVersion: index + 1 }));
}

describe('products read model', () => {
  it('starts a product from ProductAdded', () => {
    const [added] = stream(productAdded(10));
    given([]).when(added!).then({ _id: 'SKU-1', name: 'Kettle', priceCents: 2999, currency: 'EUR', stock: 10, reserved: 0, available: 10, version: 1 });
  });

  it('counts holds as reserved and not available', () => {
    const events = stream(productAdded(10), itemReserved('o-1', 3), itemReserved('o-2', 2));
    given(events.slice(0, 2)).when(events[2]!).thenMatches({ stock: 10, reserved: 5, available: 5, version: 3 });
  });

  it('gives released units back to available', () => {
    const events = stream(productAdded(10), itemReserved('o-1', 3), itemReleased('o-1', 3));
    given(events.slice(0, 2)).when(events[2]!).thenMatches({ stock: 10, reserved: 0, available: 10 });
  });

  it('takes shipped units out of stock and reserved', () => {
    const events = stream(productAdded(10), itemReserved('o-1', 3), itemShipped('o-1', 3));
    given(events.slice(0, 2)).when(events[2]!).thenMatches({ stock: 7, reserved: 0, available: 7 });
  });

  it('adds restocked units', () => {
    const events = stream(productAdded(0), stockReplenished(4));
    given(events.slice(0, 1)).when(events[1]!).thenMatches({ stock: 4, reserved: 0, available: 4, version: 2 });
  });

  it('refuses a stock event without its product (a gap the projector would park)', () => {
    const [, reserved] = stream(productAdded(10), itemReserved('o-1', 1));
    given([]).when(reserved!).thenThrows(Error);
  });

  it('ignores reservation and order events', () => {
    given([]).when(makeEnvelope(sampleEvents.StockReserved)).thenIgnored();
    given([]).when(makeEnvelope(sampleEvents.OrderPlaced)).thenIgnored();
  });
});
