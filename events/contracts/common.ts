import { z } from 'zod';

/**
 * Building blocks shared by several event schemas. They are part of published schemas, so they
 * are deliberately permissive where a business rule may change (quantities have no upper bound
 * here; the order service enforces its own limits) and strict where identity is at stake (SKUs).
 */

/** Any identifier we move around: uuids today, but other services may key by natural ids. */
export const idSchema = z.string().min(1).max(128);

/** ISO-8601 timestamps as produced by `Date.prototype.toISOString()`; offsets are tolerated. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });

export const SKU_MAX_LENGTH = 64;
/** Letters, digits, '.', '_' and '-', starting with a letter or digit: safe in URLs, keys, logs. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const SKU_PATTERN_MESSAGE =
  'sku must start with a letter or digit and contain only letters, digits, ".", "_" or "-"';

export const skuSchema = z
  .string()
  .min(1, 'sku must not be empty')
  .max(SKU_MAX_LENGTH, `sku must be at most ${SKU_MAX_LENGTH} characters`)
  .regex(SKU_PATTERN, SKU_PATTERN_MESSAGE);

/** One line of stock movement: how many units of which product. */
export const stockLineSchema = z.object({
  sku: skuSchema,
  quantity: z.int().min(1),
});
export type StockLine = z.infer<typeof stockLineSchema>;

/** ISO 4217 alphabetic code, e.g. EUR. */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code');

/** Money as integer minor units (cents) plus currency: no floating point rounding, ever. */
export const moneySchema = z.object({
  amount: z.int().min(0),
  currency: currencySchema,
});
export type Money = z.infer<typeof moneySchema>;
