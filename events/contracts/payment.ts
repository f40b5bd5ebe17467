import { z } from 'zod';
import { idSchema, isoDateTimeSchema, moneySchema } from './common.ts';
import { paymentMethodSchema } from './order.ts';
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

/** The order was placed: the payment exists, waiting for its amount (known once stock is reserved). */
export const paymentRequestedV1 = defineEvent({
  type: 'PaymentRequested',
  version: 1,
  aggregate: 'payment',
  schema: z.object({
    paymentId: idSchema,
    orderId: idSchema,
    customerId: idSchema,
    method: paymentMethodSchema,
    requestedAt: isoDateTimeSchema,
  }),
});

/** Stock was reserved at these prices: this is what to charge. */
export const paymentAmountDueV1 = defineEvent({
  type: 'PaymentAmountDue',
  version: 1,
  aggregate: 'payment',
  schema: z.object({ paymentId: idSchema, orderId: idSchema, amount: moneySchema, dueAt: isoDateTimeSchema }),
});

/** A charge attempt failed in a way a retry may fix (provider down, timeout, circuit open). */
export const paymentAttemptFailedV1 = defineEvent({
  type: 'PaymentAttemptFailed',
  version: 1,
  aggregate: 'payment',
  schema: z.object({
    paymentId: idSchema,
    orderId: idSchema,
    attempt: z.int().min(1),
    error: z.string().min(1).max(500),
    nextAttemptAt: isoDateTimeSchema,
    failedAt: isoDateTimeSchema,
  }),
});

/** The order was cancelled before any money moved: nothing will be charged. */
export const paymentVoidedV1 = defineEvent({
  type: 'PaymentVoided',
  version: 1,
  aggregate: 'payment',
  schema: z.object({ paymentId: idSchema, orderId: idSchema, reason: z.string().min(1).max(500), voidedAt: isoDateTimeSchema }),
});

export const paymentEvents = {
  PaymentRequested: paymentRequestedV1,
  PaymentAmountDue: paymentAmountDueV1,
  PaymentAttemptFailed: paymentAttemptFailedV1,
  PaymentVoided: paymentVoidedV1,
  PaymentCaptured: paymentCapturedV1,
  PaymentDeclined: paymentDeclinedV1,
  PaymentRefunded: paymentRefundedV1,
} as const;

export const supersededPaymentEvents = [] as const;
