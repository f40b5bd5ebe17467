import { assertNever, type AnyEventEnvelope, type StockLine } from '@tributary/contracts';
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
  cancelReason: string | null;
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
export function applyToView(view: OrderView | undefined, envelope: OrderEnvelope): OrderView {
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
      cancelReason: null,
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
      return { ...next, status: 'CANCELLED', cancelReason: envelope.data.reason };
    case 'OrderShipped':
      return { ...next, status: 'SHIPPED' };
    default:
      return assertNever(envelope, 'order event');
  }
}

/** The view of a whole stream, e.g. the one a mutation just appended to. */
export function viewOfStream(stream: readonly AnyEventEnvelope[]): OrderView | undefined {
  return stream.filter(isOrderEnvelope).reduce<OrderView | undefined>(applyToView, undefined);
}
