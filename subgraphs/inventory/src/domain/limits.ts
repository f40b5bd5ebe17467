import { z } from 'zod';
import { SKU_MAX_LENGTH, SKU_PATTERN, SKU_PATTERN_MESSAGE } from '@tributary/contracts';

/**
 * Input limits of the inventory commands, in one place: the deciders enforce them and the SDL
 * descriptions quote the same numbers. The event schemas are deliberately looser (a published
 * schema is never edited), so these are where a business limit may tighten.
 */
export const PRODUCT_LIMITS = {
  nameMaxLength: 200,
  maxPriceCents: 100_000_000,
  maxStock: 1_000_000,
  maxRestock: 1_000_000,
} as const;

const L = PRODUCT_LIMITS;

/** No trimming: the sku is the stream id, so the one the client typed must already be exact. */
export const skuInputSchema = z
  .string({ error: 'sku must be a string' })
  .min(1, 'sku must not be empty')
  .max(SKU_MAX_LENGTH, `sku must be at most ${SKU_MAX_LENGTH} characters`)
  .regex(SKU_PATTERN, SKU_PATTERN_MESSAGE);

export const productNameInputSchema = z
  .string({ error: 'name must be a string' })
  .trim()
  .min(1, 'name must not be empty')
  .max(L.nameMaxLength, `name must be at most ${L.nameMaxLength} characters`);

export const priceCentsInputSchema = z
  .int({ error: 'priceCents must be an integer' })
  .min(0, 'priceCents must not be negative')
  .max(L.maxPriceCents, `priceCents must be at most ${L.maxPriceCents}`);

export const currencyInputSchema = z.string({ error: 'currency must be a string' }).regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as EUR');

export const initialStockInputSchema = z
  .int({ error: 'stock must be an integer' })
  .min(0, 'stock must not be negative')
  .max(L.maxStock, `stock must be at most ${L.maxStock}`);

export const restockQuantityInputSchema = z
  .int({ error: 'quantity must be an integer' })
  .min(1, 'quantity must be at least 1')
  .max(L.maxRestock, `quantity must be at most ${L.maxRestock}`);

export const addProductInputSchema = z.object({
  sku: skuInputSchema,
  name: productNameInputSchema,
  priceCents: priceCentsInputSchema,
  currency: currencyInputSchema,
  stock: initialStockInputSchema,
});
/**
 * AddProduct as callers send it; the decider validates every field. `currency` is optional
 * here only because GraphQL types a defaulted input field that way: an explicit null is refused.
 */
export interface AddProductInput {
  sku: string;
  name: string;
  priceCents: number;
  currency?: string | null;
  stock: number;
}

/** Reservation quantities come from a validated OrderPlaced event; this only guards the arithmetic. */
export const holdQuantitySchema = z.int().min(1);
