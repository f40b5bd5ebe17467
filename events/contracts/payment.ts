import { z } from 'zod';
import { idSchema, isoDateTimeSchema, moneySchema } from './common.ts';
import { defineEvent } from './definition.ts';

/**
 * Events of the Payment aggregate, topic `tributary.payment`. The aggregate id is the order id
 * (one payment per order) so saga messages of an order share a partition; `paymentId` names
 * the payment itself (what a payment provider would return).
 */

export const paymentCapturedV1 = defineEvent({
  type: 'PaymentCaptured',
  version: 1,
  aggregate: 'payment',
  schema: z.object({
    paymentId: idSchema,
    orderId: idSchema,
    amount: moneySchema,
    capturedAt: isoDateTimeSchema,
  }),
});

export const paymentDeclinedV1 = defineEvent({
  type: 'PaymentDeclined',
  version: 1,
  aggregate: 'payment',
  schema: z.object({
    paymentId: idSchema,
    orderId: idSchema,
    amount: moneySchema,
    reason: z.string().min(1).max(500),
    declinedAt: isoDateTimeSchema,
  }),
});

export const paymentRefundedV1 = defineEvent({
  type: 'PaymentRefunded',
  version: 1,
  aggregate: 'payment',
  schema: z.object({
    paymentId: idSchema,
    orderId: idSchema,
    amount: moneySchema,
    refundedAt: isoDateTimeSchema,
  }),
});

export const paymentEvents = {
  PaymentCaptured: paymentCapturedV1,
  PaymentDeclined: paymentDeclinedV1,
  PaymentRefunded: paymentRefundedV1,
} as const;

export const supersededPaymentEvents = [] as const;
