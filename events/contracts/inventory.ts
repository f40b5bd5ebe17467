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

export const inventoryEvents = {
  ProductAdded: productAddedV1,
  StockReplenished: stockReplenishedV1,
  StockReserved: stockReservedV1,
  StockRejected: stockRejectedV1,
  StockReleased: stockReleasedV1,
} as const;

export const supersededInventoryEvents = [] as const;
