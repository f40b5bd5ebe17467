import { z } from 'zod';
import { idSchema, isoDateTimeSchema, moneySchema, skuSchema, stockLineSchema } from './common.ts';
import { defineEvent } from './definition.ts';

/**
 * Events of the inventory service, topic `tributary.inventory`. Two kinds of aggregate share the
 * topic: a product (aggregate id = sku: ProductAdded, StockReplenished) and an order's stock
 * reservation (aggregate id = order id: StockReserved, StockRejected, StockReleased), so that
 * every saga message of one order lands on one partition in order. Saga events also carry
 * `orderId` in their data so consumers never have to interpret aggregate ids.
 */

export const productAddedV1 = defineEvent({
  type: 'ProductAdded',
  version: 1,
  aggregate: 'inventory',
  schema: z.object({
    sku: skuSchema,
    name: z.string().min(1).max(200),
    /** Unit price; inventory owns the catalogue, so it prices reservations. */
    price: moneySchema,
    initialStock: z.int().min(0),
    addedAt: isoDateTimeSchema,
  }),
});

export const stockReplenishedV1 = defineEvent({
  type: 'StockReplenished',
  version: 1,
  aggregate: 'inventory',
  schema: z.object({
    sku: skuSchema,
    quantity: z.int().min(1),
    replenishedAt: isoDateTimeSchema,
  }),
});

export const pricedLineSchema = stockLineSchema.extend({ unitPrice: moneySchema });

export const stockReservedV1 = defineEvent({
  type: 'StockReserved',
  version: 1,
  aggregate: 'inventory',
  schema: z.object({
    orderId: idSchema,
    /** Priced at reservation time: payment captures `total` without asking anyone. */
    items: z.array(pricedLineSchema).min(1),
    total: moneySchema,
    reservedAt: isoDateTimeSchema,
  }),
});

export const stockRejectedV1 = defineEvent({
  type: 'StockRejected',
  version: 1,
  aggregate: 'inventory',
  schema: z.object({
    orderId: idSchema,
    reason: z.string().min(1).max(500),
    /** The lines that could not be served; `available` is 0 for unknown skus. */
    unavailable: z
      .array(z.object({ sku: skuSchema, requested: z.int().min(1), available: z.int().min(0) }))
      .min(1),
    rejectedAt: isoDateTimeSchema,
  }),
});

export const stockReleasedV1 = defineEvent({
  type: 'StockReleased',
  version: 1,
  aggregate: 'inventory',
  schema: z.object({
    orderId: idSchema,
    items: z.array(stockLineSchema).min(1),
    releasedAt: isoDateTimeSchema,
  }),
});

/**
 * Product-stream events (aggregate id = sku) that move units in and out of the product's
 * reserved pool for one order. The product keeps the order's hold, so reserving twice for the
 * same order is recognised and changes nothing (a redelivered OrderPlaced never reserves twice).
 */
export const stockItemReservedV1 = defineEvent({
  type: 'StockItemReserved',
  version: 1,
  aggregate: 'inventory',
  schema: z.object({ sku: skuSchema, orderId: idSchema, quantity: z.int().min(1), reservedAt: isoDateTimeSchema }),
});

/** The hold went back to available stock (the order was rejected or cancelled). */
export const stockItemReleasedV1 = defineEvent({
  type: 'StockItemReleased',
  version: 1,
  aggregate: 'inventory',
  schema: z.object({ sku: skuSchema, orderId: idSchema, quantity: z.int().min(1), releasedAt: isoDateTimeSchema }),
});

/** The hold left the warehouse with the order: reserved and on-hand stock both go down. */
export const stockItemShippedV1 = defineEvent({
  type: 'StockItemShipped',
  version: 1,
  aggregate: 'inventory',
  schema: z.object({ sku: skuSchema, orderId: idSchema, quantity: z.int().min(1), shippedAt: isoDateTimeSchema }),
});

export const inventoryEvents = {
  ProductAdded: productAddedV1,
  StockReplenished: stockReplenishedV1,
  StockItemReserved: stockItemReservedV1,
  StockItemReleased: stockItemReleasedV1,
  StockItemShipped: stockItemShippedV1,
  StockReserved: stockReservedV1,
  StockRejected: stockRejectedV1,
  StockReleased: stockReleasedV1,
} as const;

export const supersededInventoryEvents = [] as const;
