import { DomainError } from '@tributary/contracts';
import { findPage, type Page, type PageArgs } from '@tributary/service';
import type { Model } from 'mongoose';
import type { ProductView } from '../projections/product-view.ts';

export const SEARCH_MAX_LENGTH = 100;

/** Reads of the public catalogue: no caller check, product data is for everyone. */
export function createProductQueries(products: Model<ProductView>) {
  return {
    async bySku(sku: string): Promise<ProductView | null> {
      return products.findById(sku).lean<ProductView>().exec();
    },

    /** Sorted by sku; `search` matches name or sku, case-insensitively, anywhere. */
    async page(args: PageArgs & { search?: string | null }): Promise<Page<ProductView>> {
      return findPage(products, searchFilter(args.search), args, { field: '_id', direction: 1 });
    },
  };
}

export type ProductQueries = ReturnType<typeof createProductQueries>;

function searchFilter(search: string | null | undefined): Record<string, unknown> {
  const text = search?.trim() ?? '';
  if (text.length === 0) return {};
  if (text.length > SEARCH_MAX_LENGTH) {
    throw new DomainError('BAD_USER_INPUT', `search must be at most ${SEARCH_MAX_LENGTH} characters`, { field: 'search' });
  }
  // The client's text is matched literally: regex syntax in it is escaped, never interpreted
  // (no surprise matches, and no catastrophic patterns run on the database).
  const pattern = { $regex: escapeRegex(text), $options: 'i' };
  return { $or: [{ name: pattern }, { _id: pattern }] };
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
