import type { CommandMetadata } from '@tributary/bus';
import type { ProductCommands } from '../commands/product-commands.ts';

/**
 * Gives back whatever the order holds on each of these products. Safe to run any number of
 * times (a product without a hold for the order does nothing), which is what lets every saga
 * step simply run it again after a crash.
 */
export async function releaseHolds(products: ProductCommands, orderId: string, skus: readonly string[], metadata: CommandMetadata): Promise<void> {
  for (const sku of [...new Set(skus)].sort()) await products.releaseItem(sku, orderId, metadata);
}
