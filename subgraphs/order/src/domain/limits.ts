import { z } from 'zod';
import { SKU_MAX_LENGTH, SKU_PATTERN, SKU_PATTERN_MESSAGE, actorSchema, cancellationReasonSchema, paymentMethodSchema } from '@tributary/contracts';

/**
 * Input limits of the order commands, in one place: the decider enforces them and resolvers
 * reuse the same schemas (and numbers, e.g. for SDL descriptions) so the rules cannot drift.
 */
export const PLACE_ORDER_LIMITS = {
  minItems: 1,
  maxItems: 100,
  minQuantity: 1,
  maxQuantity: 1000,
  skuMaxLength: SKU_MAX_LENGTH,
  skuPattern: SKU_PATTERN,
  idMaxLength: 128,
  idempotencyKeyMaxLength: 128,
} as const;

export const CANCEL_REASON_MAX_LENGTH = 500;

/** What placeOrder charges when the client names no payment method. */
export const DEFAULT_PAYMENT_METHOD = 'pm_card_ok';

const L = PLACE_ORDER_LIMITS;

/**
 * True when the string has no lone UTF-16 surrogate (`String.prototype.isWellFormed`, which the
 * ES2023 lib typings lack). With the `u` flag a surrogate pair is one code point outside this
 * range, so only a lone half matches. Such a key cannot be stored as sent (BSON and UTF-8 turn it
 * into U+FFFD): an exact retry would then CONFLICT and different keys would collide.
 */
export function isWellFormedUnicode(value: string): boolean {
  return !/[\uD800-\uDFFF]/u.test(value);
}

const wellFormed = (name: string) => [isWellFormedUnicode, `${name} must be well-formed Unicode (no lone surrogate)`] as const;

/** Surrounding whitespace is trimmed (a copy-paste artefact), then the sku must match the pattern. */
export const skuInputSchema = z
  .string({ error: 'sku must be a string' })
  .trim()
  .min(1, 'sku must not be empty')
  .max(L.skuMaxLength, `sku must be at most ${L.skuMaxLength} characters`)
  .regex(L.skuPattern, SKU_PATTERN_MESSAGE);

export const quantityInputSchema = z
  .int({ error: `quantity must be an integer between ${L.minQuantity} and ${L.maxQuantity}` })
  .min(L.minQuantity, `quantity must be at least ${L.minQuantity}`)
  .max(L.maxQuantity, `quantity must be at most ${L.maxQuantity}`);

export const orderItemInputSchema = z.object({ sku: skuInputSchema, quantity: quantityInputSchema });

const idInputSchema = (name: string) =>
  z
    .string({ error: `${name} must be a string` })
    .refine(...wellFormed(name))
    .trim()
    .min(1, `${name} must not be empty`)
    .max(L.idMaxLength, `${name} must be at most ${L.idMaxLength} characters`);

/**
 * Duplicate skus are rejected rather than merged: a client sending one sku twice is most likely
 * a bug, and rejecting keeps the placed order equal to what the client sent (and keeps the
 * per-line quantity limit meaningful). The error points at the later duplicate.
 */
export const orderItemsInputSchema = z
  .array(orderItemInputSchema, { error: 'items must be a list' })
  .min(L.minItems, `an order needs at least ${L.minItems} item`)
  .max(L.maxItems, `an order can have at most ${L.maxItems} items`)
  .superRefine((items, ctx) => {
    const firstIndex = new Map<string, number>();
    items.forEach((item, index) => {
      const first = firstIndex.get(item.sku);
      if (first === undefined) {
        firstIndex.set(item.sku, index);
        return;
      }
      const message = `sku ${item.sku} already appears at items.${first}`;
      ctx.addIssue({ code: 'custom', path: [index, 'sku'], message });
    });
  });

export const placeOrderInputSchema = z.object({
  orderId: idInputSchema('orderId'),
  customerId: idInputSchema('customerId'),
  items: orderItemsInputSchema,
  /** Absent and null both mean "no key". */
  idempotencyKey: z
    .string({ error: 'idempotencyKey must be a string' })
    .refine(...wellFormed('idempotencyKey'))
    .trim()
    .min(1, 'idempotencyKey must not be empty')
    .max(L.idempotencyKeyMaxLength, `idempotencyKey must be at most ${L.idempotencyKeyMaxLength} characters`)
    .nullish()
    .transform((key) => key ?? null),
  /** Absent and null both mean the default test card, which always succeeds. */
  paymentMethod: paymentMethodSchema
    .nullish()
    .transform((method) => method ?? DEFAULT_PAYMENT_METHOD),
});
export type PlaceOrderInput = z.input<typeof placeOrderInputSchema>;
export type ValidPlaceOrder = z.output<typeof placeOrderInputSchema>;

export const paymentIdInputSchema = idInputSchema('paymentId');

export const cancelReasonCodeSchema = cancellationReasonSchema;

export const cancelReasonInputSchema = z
  .string({ error: 'detail must be a string' })
  .trim()
  .min(1, 'detail must not be empty')
  .max(CANCEL_REASON_MAX_LENGTH, `detail must be at most ${CANCEL_REASON_MAX_LENGTH} characters`);

export const cancelledByInputSchema = z.union([z.literal('system'), actorSchema], {
  error: "cancelledBy must be an actor or 'system'",
});
