import { assertNever, type AnyEventEnvelope } from '@tributary/contracts';
import type { SingleStreamProjection, StreamView } from '@tributary/service';
import { RESERVATION_EVENT_TYPES, type ReservationEventType } from '../domain/reservation.ts';

export type ReservationStatus = 'PENDING' | 'RESERVED' | 'REJECTED' | 'RELEASED';

export interface ReservationLineView {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** The `reservations` read model: one document per order that inventory has decided on. */
export interface ReservationView extends StreamView {
  /** The order id. */
  _id: string;
  status: ReservationStatus;
  lines: ReservationLineView[];
  rejectedSkus: string[];
}

export type ReservationEnvelope = AnyEventEnvelope<ReservationEventType>;

const RESERVATION_TYPES = new Set<string>(RESERVATION_EVENT_TYPES);

/** What Order.reservation shows for an order inventory knows but has not decided on yet. */
export function pendingReservation(orderId: string): ReservationView {
  return { _id: orderId, status: 'PENDING', lines: [], rejectedSkus: [], version: 0 };
}

export const reservationProjection: SingleStreamProjection<ReservationView, ReservationEnvelope> = {
  name: 'reservations',
  handles: (envelope): envelope is ReservationEnvelope => RESERVATION_TYPES.has(envelope.type),
  evolve(view, envelope) {
    const base = { _id: envelope.aggregateId, version: envelope.aggregateVersion };
    switch (envelope.type) {
      case 'StockReserved':
        return {
          ...base,
          status: 'RESERVED',
          lines: envelope.data.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPriceCents: unitPrice.amount })),
          rejectedSkus: [],
        };
      case 'StockRejected':
        return { ...base, status: 'REJECTED', lines: [], rejectedSkus: envelope.data.unavailable.map((line) => line.sku) };
      case 'StockReleased':
        // Only a reservation is ever released, and versions have no holes: the lines (with the
        // prices StockReleased does not repeat) are in the view already.
        if (!view) throw new Error(`reservation ${envelope.aggregateId}: StockReleased before StockReserved`);
        return { ...view, ...base, status: 'RELEASED' };
      default:
        return assertNever(envelope, 'reservation event');
    }
  },
};
