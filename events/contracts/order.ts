import { z } from 'zod';
import { actorSchema } from './actor.ts';
import { idSchema, isoDateTimeSchema, stockLineSchema } from './common.ts';
import { defineEvent } from './definition.ts';

/** Events of the Order aggregate (aggregate id = order id), topic `tributary.order`. */

/** Superseded by v2; kept so stored v1 events can still be read (and upcast). Never edit. */
export const orderPlacedV1 = defineEvent({
  type: 'OrderPlaced',
  version: 1,
  aggregate: 'order',
  schema: z.object({
    orderId: idSchema,
    customerId: idSchema,
    items: z.array(stockLineSchema).min(1),
    placedAt: isoDateTimeSchema,
  }),
});

/**
 * v2 records the client's idempotency key (or null when the client sent none), so a retried
 * placeOrder can be recognised from the stream and answered with the existing order.
 */
export const orderPlacedV2 = defineEvent({
  type: 'OrderPlaced',
  version: 2,
  aggregate: 'order',
  schema: z.object({
    orderId: idSchema,
    customerId: idSchema,
    items: z.array(stockLineSchema).min(1),
    idempotencyKey: z.string().min(1).max(128).nullable(),
    placedAt: isoDateTimeSchema,
  }),
});

export const orderConfirmedV1 = defineEvent({
  type: 'OrderConfirmed',
  version: 1,
  aggregate: 'order',
  schema: z.object({
    orderId: idSchema,
    paymentId: idSchema,
    confirmedAt: isoDateTimeSchema,
  }),
});

/** A customer or admin (an actor) cancelled it, or the saga did ('system'). */
export const cancelledBySchema = z.union([z.literal('system'), actorSchema]);

export const orderCancelledV1 = defineEvent({
  type: 'OrderCancelled',
  version: 1,
  aggregate: 'order',
  schema: z.object({
    orderId: idSchema,
    reason: z.string().min(1).max(500),
    cancelledBy: cancelledBySchema,
    /**
     * The status the order left. Lets payment know whether money was captured (refund) and
     * inventory whether stock may be reserved (release) without keeping a copy of order state.
     */
    previousStatus: z.enum(['PENDING', 'CONFIRMED']),
    cancelledAt: isoDateTimeSchema,
  }),
});

export const orderShippedV1 = defineEvent({
  type: 'OrderShipped',
  version: 1,
  aggregate: 'order',
  schema: z.object({
    orderId: idSchema,
    shippedAt: isoDateTimeSchema,
  }),
});

/** Latest version of every order event type. */
export const orderEvents = {
  OrderPlaced: orderPlacedV2,
  OrderConfirmed: orderConfirmedV1,
  OrderCancelled: orderCancelledV1,
  OrderShipped: orderShippedV1,
} as const;

/** Older published versions, readable through upcasters. */
export const supersededOrderEvents = [orderPlacedV1] as const;
