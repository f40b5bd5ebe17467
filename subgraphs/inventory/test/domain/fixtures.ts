import type { DomainEvent } from '@tributary/contracts';
import type { AddProduct, ReleaseItem, ReserveItem, Restock, ShipItem } from '../../src/domain/product.ts';
import type { LineOutcome } from '../../src/domain/reservation.ts';

export const now = new Date('2026-03-01T10:00:00.000Z');
export const at = now.toISOString();
export const eur = (amount: number) => ({ amount, currency: 'EUR' });

export const addProduct = (data: Partial<AddProduct['data']> = {}): AddProduct => ({
  type: 'AddProduct',
  data: { sku: 'SKU-1', name: 'Kettle', priceCents: 2999, currency: 'EUR', stock: 10, now, ...data },
});
export const restock = (quantity = 5, sku = 'SKU-1'): Restock => ({ type: 'Restock', data: { sku, quantity, now } });
export const reserveItem = (orderId: string, quantity: number, sku = 'SKU-1'): ReserveItem => ({
  type: 'ReserveItem',
  data: { sku, orderId, quantity, now },
});
export const releaseItem = (orderId: string, sku = 'SKU-1'): ReleaseItem => ({ type: 'ReleaseItem', data: { sku, orderId, now } });
export const shipItem = (orderId: string, sku = 'SKU-1'): ShipItem => ({ type: 'ShipItem', data: { sku, orderId, now } });

export const productAdded = (initialStock = 10, sku = 'SKU-1', price = eur(2999)): DomainEvent<'ProductAdded'> => ({
  type: 'ProductAdded',
  data: { sku, name: 'Kettle', price, initialStock, addedAt: at },
});
export const stockReplenished = (quantity: number, sku = 'SKU-1'): DomainEvent<'StockReplenished'> => ({
  type: 'StockReplenished',
  data: { sku, quantity, replenishedAt: at },
});
export const itemReserved = (orderId: string, quantity: number, sku = 'SKU-1'): DomainEvent<'StockItemReserved'> => ({
  type: 'StockItemReserved',
  data: { sku, orderId, quantity, reservedAt: at },
});
export const itemReleased = (orderId: string, quantity: number, sku = 'SKU-1'): DomainEvent<'StockItemReleased'> => ({
  type: 'StockItemReleased',
  data: { sku, orderId, quantity, releasedAt: at },
});
export const itemShipped = (orderId: string, quantity: number, sku = 'SKU-1'): DomainEvent<'StockItemShipped'> => ({
  type: 'StockItemShipped',
  data: { sku, orderId, quantity, shippedAt: at },
});

export const held = (sku: string, quantity: number, amount = 1000, currency = 'EUR'): LineOutcome => ({
  outcome: 'HELD',
  sku,
  quantity,
  unitPrice: { amount, currency },
});
export const short = (sku: string, quantity: number, available: number): LineOutcome => ({ outcome: 'SHORT', sku, quantity, available });
export const untried = (sku: string, quantity: number): LineOutcome => ({ outcome: 'UNTRIED', sku, quantity });
