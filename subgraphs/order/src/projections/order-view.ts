import { assertNever, type AnyEventEnvelope, type CancellationReason, type StockLine } from '@tributary/contracts';
import type { SingleStreamProjection } from '@tributary/service';
import type { OrderStatus } from '../domain/index.ts';

/** One line of an order's timeline, as `Order.events` shows it. */
export interface OrderTimelineEntry {
  type: string;
  version: number;
  aggregateVersion: number;
  occurredAt: Date;
  causationId: string;
}

/**
 * The read model of one order: what queries answer from. `version` is the aggregate version of
 * the last event applied, which makes the projection idempotent and ordered.
 */
export interface OrderView {
  _id: string;
  customerId: string;
  status: OrderStatus;
  items: StockLine[];
  idempotencyKey: string | null;
  paymentMethod: string;
  cancellationReason: CancellationReason | null;
  /** Why, in words (e.g. which skus were short). */
  cancellationDetail: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  events: OrderTimelineEntry[];
}

export type OrderEnvelope = AnyEventEnvelope<'OrderPlaced' | 'OrderConfirmed' | 'OrderCancelled' | 'OrderShipped'>;

const ORDER_TYPES = new Set<string>(['OrderPlaced', 'OrderConfirmed', 'OrderCancelled', 'OrderShipped']);

export function isOrderEnvelope(envelope: AnyEventEnvelope): envelope is OrderEnvelope {
  return ORDER_TYPES.has(envelope.type);
}

/**
 * Folds one event into the view. Pure, so the projector (from Kafka) and the mutations (from the
 * stream they just wrote) build the very same document.
 */
export function applyToView(view: OrderView | null, envelope: OrderEnvelope): OrderView {
  const at = new Date(envelope.occurredAt);
  const entry: OrderTimelineEntry = {
    type: envelope.type,
    version: envelope.version,
    aggregateVersion: envelope.aggregateVersion,
    occurredAt: at,
    causationId: envelope.causationId,
  };
  if (envelope.type === 'OrderPlaced') {
    return {
      _id: envelope.aggregateId,
      customerId: envelope.data.customerId,
      status: 'PENDING',
      items: envelope.data.items.map(({ sku, quantity }) => ({ sku, quantity })),
      idempotencyKey: envelope.data.idempotencyKey,
      paymentMethod: envelope.data.paymentMethod,
      cancellationReason: null,
      cancellationDetail: null,
      createdAt: at,
      updatedAt: at,
      version: envelope.aggregateVersion,
      events: [entry],
    };
  }
  if (!view) throw new Error(`order ${envelope.aggregateId}: ${envelope.type} before OrderPlaced`);
  const next = { ...view, updatedAt: at, version: envelope.aggregateVersion, events: [...view.events, entry] };
  switch (envelope.type) {
    case 'OrderConfirmed':
      return { ...next, status: 'CONFIRMED' };
    case 'OrderCancelled':
      return { ...next, status: 'CANCELLED', cancellationReason: envelope.data.reason, cancellationDetail: envelope.data.detail };
    case 'OrderShipped':
      return { ...next, status: 'SHIPPED' };
    default:
      return assertNever(envelope, 'order event');
  }
}

/** The `orders` read model: one document per order stream. */
export const orderProjection: SingleStreamProjection<OrderView, OrderEnvelope> = {
  name: 'orders',
  handles: isOrderEnvelope,
  evolve: applyToView,
};
