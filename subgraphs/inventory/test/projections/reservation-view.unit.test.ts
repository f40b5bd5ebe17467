import { makeEnvelope, ProjectionSpecification, sampleEvents } from '@tributary/testing';
import { describe, it } from 'vitest';
import { reservationProjection } from '../../src/projections/reservation-view.ts';

const given = ProjectionSpecification.for(reservationProjection);
const eur = (amount: number) => ({ amount, currency: 'EUR' });

const reserved = makeEnvelope(
  {
    type: 'StockReserved',
    data: {
      orderId: 'o-1',
      items: [
        { sku: 'SKU-1', quantity: 2, unitPrice: eur(1000) },
        { sku: 'SKU-2', quantity: 1, unitPrice: eur(250) },
      ],
      total: eur(2250),
      reservedAt: '2026-03-01T10:00:00.000Z',
    },
  },
  { aggregateId: 'o-1', aggregateVersion: 1 },
);
const released = makeEnvelope(
  { type: 'StockReleased', data: { orderId: 'o-1', items: [{ sku: 'SKU-1', quantity: 2 }, { sku: 'SKU-2', quantity: 1 }], releasedAt: '2026-03-01T11:00:00.000Z' } },
  { aggregateId: 'o-1', aggregateVersion: 2 },
);
const rejected = makeEnvelope(
  {
    type: 'StockRejected',
    data: {
      orderId: 'o-2',
      reason: 'insufficient stock',
      unavailable: [
        { sku: 'SKU-2', requested: 3, available: 1 },
        { sku: 'SKU-9', requested: 1, available: 0 },
      ],
      rejectedAt: '2026-03-01T10:00:00.000Z',
    },
  },
  { aggregateId: 'o-2', aggregateVersion: 1 },
);

const reservedLines = [
  { sku: 'SKU-1', quantity: 2, unitPriceCents: 1000 },
  { sku: 'SKU-2', quantity: 1, unitPriceCents: 250 },
];

describe('reservations read model', () => {
  it('records the reserved lines with their unit prices', () => {
    given([]).when(reserved).then({ _id: 'o-1', status: 'RESERVED', lines: reservedLines, rejectedSkus: [], version: 1 });
  });

  it('records the skus a rejection names', () => {
    given([]).when(rejected).then({ _id: 'o-2', status: 'REJECTED', lines: [], rejectedSkus: ['SKU-2', 'SKU-9'], version: 1 });
  });

  it('keeps the lines (and their prices) when the reservation is released', () => {
    given([reserved]).when(released).then({ _id: 'o-1', status: 'RELEASED', lines: reservedLines, rejectedSkus: [], version: 2 });
  });

  it('refuses a release without its reservation (a gap the projector would park)', () => {
    given([]).when(released).thenThrows(Error);
  });

  it('ignores product and order events', () => {
    given([]).when(makeEnvelope(sampleEvents.StockItemReserved)).thenIgnored();
    given([]).when(makeEnvelope(sampleEvents.OrderCancelled)).thenIgnored();
  });
});
