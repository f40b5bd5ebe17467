import type { DomainEvent } from '@tributary/contracts';
import { DeciderSpecification } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import { reservationDecider, type LineOutcome, type ReservationCommand } from '../../src/domain/reservation.ts';
import { at, held, now, short, untried } from './fixtures.ts';

const given = DeciderSpecification.for(reservationDecider);
const decide = (lines: LineOutcome[]): ReservationCommand => ({ type: 'DecideReservation', data: { orderId: 'o-1', lines, now } });
const release: ReservationCommand = { type: 'ReleaseReservation', data: { orderId: 'o-1', now } };

const reserved: DomainEvent<'StockReserved'> = {
  type: 'StockReserved',
  data: {
    orderId: 'o-1',
    items: [
      { sku: 'SKU-1', quantity: 2, unitPrice: { amount: 1000, currency: 'EUR' } },
      { sku: 'SKU-2', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } },
    ],
    total: { amount: 2250, currency: 'EUR' },
    reservedAt: at,
  },
};
const rejected: DomainEvent<'StockRejected'> = {
  type: 'StockRejected',
  data: { orderId: 'o-1', reason: 'insufficient stock: SKU-2 (requested 1, available 0)', unavailable: [{ sku: 'SKU-2', requested: 1, available: 0 }], rejectedAt: at },
};
const released: DomainEvent<'StockReleased'> = {
  type: 'StockReleased',
  data: { orderId: 'o-1', items: [{ sku: 'SKU-1', quantity: 2 }, { sku: 'SKU-2', quantity: 1 }], releasedAt: at },
};

describe('DecideReservation', () => {
  it('reserves when every line is held, pricing the lines and the total', () => {
    given([]).when(decide([held('SKU-1', 2, 1000), held('SKU-2', 1, 250)])).then([reserved]);
  });

  it('rejects naming every short line with requested and available', () => {
    given([])
      .when(decide([held('SKU-1', 2), short('SKU-2', 3, 1), short('SKU-3', 1, 0)]))
      .then([
        {
          type: 'StockRejected',
          data: {
            orderId: 'o-1',
            reason: 'insufficient stock: SKU-2 (requested 3, available 1), SKU-3 (requested 1, available 0)',
            unavailable: [
              { sku: 'SKU-2', requested: 3, available: 1 },
              { sku: 'SKU-3', requested: 1, available: 0 },
            ],
            rejectedAt: at,
          },
        },
      ]);
  });

  it('rejects when a short line left later lines untried', () => {
    given([]).when(decide([short('SKU-2', 1, 0), untried('SKU-3', 1)])).then([rejected]);
  });

  it('rejects an order mixing currencies, naming the lines not in the first line’s currency', () => {
    const [event] = reservationDecider.decide(decide([held('SKU-1', 1, 100, 'EUR'), held('SKU-2', 2, 100, 'USD')]), { status: 'PENDING' });
    expect(event?.type).toBe('StockRejected');
    expect(event?.type === 'StockRejected' && event.data.unavailable).toEqual([{ sku: 'SKU-2', requested: 2, available: 0 }]);
    expect(event?.type === 'StockRejected' && event.data.reason).toMatch(/mixed currencies/);
  });

  it('keeps the reason within the event schema’s 500 characters', () => {
    const lines = Array.from({ length: 100 }, (_, i) => short(`SKU-${i}`, 1000, 0));
    const [event] = reservationDecider.decide(decide(lines), { status: 'PENDING' });
    expect(event?.type === 'StockRejected' && event.data.reason.length).toBeLessThanOrEqual(500);
  });

  it.each([
    ['RESERVED', [reserved]],
    ['REJECTED', [rejected]],
    ['RELEASED', [reserved, released]],
  ])('keeps a decision already taken (%s): a redelivery decides nothing', (_status, history) => {
    given(history).when(decide([held('SKU-1', 2)])).thenNothingHappened();
    given(history).when(decide([short('SKU-1', 2, 0)])).thenNothingHappened();
  });

  it('refuses to decide on no lines (a wiring bug)', () => {
    given([]).when(decide([])).thenThrows(Error);
  });
});

describe('ReleaseReservation', () => {
  it('releases the reserved lines', () => {
    given([reserved]).when(release).then([released]);
  });

  it.each([
    ['PENDING', []],
    ['REJECTED', [rejected]],
    ['RELEASED', [reserved, released]],
  ])('does nothing when %s', (_status, history) => {
    given(history).when(release).thenNothingHappened();
  });
});
