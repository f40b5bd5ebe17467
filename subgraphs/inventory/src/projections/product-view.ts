import { assertNever, type AnyEventEnvelope } from '@tributary/contracts';
import type { SingleStreamProjection, StreamView } from '@tributary/service';
import { PRODUCT_EVENT_TYPES, type ProductEventType } from '../domain/product-state.ts';

/** The `products` read model: one document per product, what Product queries answer from. */
export interface ProductView extends StreamView {
  /** The sku. */
  _id: string;
  name: string;
  priceCents: number;
  currency: string;
  /** Units on hand, held ones included. */
  stock: number;
  reserved: number;
  /** stock - reserved; stored so a query can filter or sort on it without arithmetic. */
  available: number;
}

export type ProductEnvelope = AnyEventEnvelope<ProductEventType>;

const PRODUCT_TYPES = new Set<string>(PRODUCT_EVENT_TYPES);

/**
 * Folds a product stream into its document. The same fold answers mutations (the stream they
 * just wrote, via viewOf) and the projector (events from Kafka), so both agree by construction.
 */
export const productProjection: SingleStreamProjection<ProductView, ProductEnvelope> = {
  name: 'products',
  handles: (envelope): envelope is ProductEnvelope => PRODUCT_TYPES.has(envelope.type),
  evolve(view, envelope) {
    if (envelope.type === 'ProductAdded') {
      const { name, price, initialStock } = envelope.data;
      return withCounts({ _id: envelope.aggregateId, name, priceCents: price.amount, currency: price.currency, version: envelope.aggregateVersion }, initialStock, 0);
    }
    // Versions have no holes (applyToReadModel checks), so a later event always finds its product.
    if (!view) throw new Error(`product ${envelope.aggregateId}: ${envelope.type} before ProductAdded`);
    const next = { ...view, version: envelope.aggregateVersion };
    switch (envelope.type) {
      case 'StockReplenished':
        return withCounts(next, view.stock + envelope.data.quantity, view.reserved);
      case 'StockItemReserved':
        return withCounts(next, view.stock, view.reserved + envelope.data.quantity);
      case 'StockItemReleased':
        return withCounts(next, view.stock, view.reserved - envelope.data.quantity);
      case 'StockItemShipped':
        return withCounts(next, view.stock - envelope.data.quantity, view.reserved - envelope.data.quantity);
      default:
        return assertNever(envelope, 'product event');
    }
  },
};

function withCounts(view: Omit<ProductView, 'stock' | 'reserved' | 'available'>, stock: number, reserved: number): ProductView {
  return { ...view, stock, reserved, available: stock - reserved };
}
