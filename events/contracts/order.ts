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

/** A payment method token, as a provider hands it to the client (e.g. pm_card_ok). */
export const paymentMethodSchema = z
  .string()
  .min(3)
  .max(64)
  .regex(/^pm_[A-Za-z0-9_]+$/, 'paymentMethod must look like pm_xxx (letters, digits, _)');

/** v3 records how the customer pays, so payment can charge without asking the order service. */
export const orderPlacedV3 = defineEvent({
  type: 'OrderPlaced',
  version: 3,
  aggregate: 'order',
  schema: z.object({
    orderId: idSchema,
    customerId: idSchema,
    items: z.array(stockLineSchema).min(1),
    idempotencyKey: z.string().min(1).max(128).nullable(),
    paymentMethod: paymentMethodSchema,
    placedAt: isoDateTimeSchema,
  }),
});

/** Why an order was cancelled: what clients see as `cancellationReason`. */
export const cancellationReasonSchema = z.enum(['OUT_OF_STOCK', 'PAYMENT_DECLINED', 'CUSTOMER_REQUEST', 'TIMEOUT']);
export type CancellationReason = z.infer<typeof cancellationReasonSchema>;

/**
 * v2 names the reason as a code the saga and clients can act on (v1 only had free text), and
 * keeps the human-readable explanation as `detail`.
 */
export const orderCancelledV2 = defineEvent({
  type: 'OrderCancelled',
  version: 2,
  aggregate: 'order',
  schema: z.object({
    orderId: idSchema,
    reason: cancellationReasonSchema,
    detail: z.string().min(1).max(500),
    cancelledBy: cancelledBySchema,
    previousStatus: z.enum(['PENDING', 'CONFIRMED']),
    cancelledAt: isoDateTimeSchema,
  }),
});

/** Latest version of every order event type. */
export const orderEvents = {
  OrderPlaced: orderPlacedV3,
  OrderConfirmed: orderConfirmedV1,
  OrderCancelled: orderCancelledV2,
  OrderShipped: orderShippedV1,
} as const;

/** Older published versions, readable through upcasters. */
export const supersededOrderEvents = [orderPlacedV1, orderPlacedV2, orderCancelledV1] as const;
