import { DomainError } from '@tributary/contracts';
import { subscribeToChanges, type ChangeFeed } from '@tributary/service';
import type { Model } from 'mongoose';
import type { ProductView } from '../projections/product-view.ts';
import { PRODUCT_CHANGES_CHANNEL } from '../projections/read-models.ts';

/** How many products `stockChanged(includeCurrent: true)` without skus sends first (stated in the schema). */
export const CURRENT_PRODUCTS_CAP = 100;
/** How many skus one stockChanged may name. */
export const MAX_WATCHED_SKUS = 100;

export interface StockChangedArgs {
  skus?: readonly string[] | null;
  includeCurrent?: boolean | null;
}

/** `stockChanged`: the products read model's changes. Product data is public: no caller check. */
export function createProductSubscriptions(deps: { feed: ChangeFeed; products: Model<ProductView> }) {
  const { feed, products } = deps;

  async function current(skus: ReadonlySet<string> | undefined): Promise<ProductView[]> {
    if (skus) return products.find({ _id: { $in: [...skus] } }).sort({ _id: 1 }).lean<ProductView[]>().exec();
    return products.find({}).sort({ _id: 1 }).limit(CURRENT_PRODUCTS_CAP).lean<ProductView[]>().exec();
  }

  return {
    stockChanged(args: StockChangedArgs): Promise<AsyncIterableIterator<ProductView>> {
      if (args.skus && (args.skus.length === 0 || args.skus.length > MAX_WATCHED_SKUS)) {
        throw new DomainError('BAD_USER_INPUT', `skus must name 1 to ${MAX_WATCHED_SKUS} products, or be omitted to follow every product`, { field: 'skus' });
      }
      const skus = args.skus ? new Set(args.skus) : undefined;
      return subscribeToChanges<ProductView>({
        feed,
        channel: PRODUCT_CHANGES_CHANNEL,
        accept: (product) => !skus || skus.has(product._id),
        initial: async () => (args.includeCurrent ? current(skus) : []),
      });
    },
  };
}

export type ProductSubscriptions = ReturnType<typeof createProductSubscriptions>;
