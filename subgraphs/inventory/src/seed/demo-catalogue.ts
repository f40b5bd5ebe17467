import type { CommandMetadata } from '@tributary/bus';
import type { Logger } from '@tributary/telemetry';
import type { ProductCommands } from '../commands/product-commands.ts';
import { ProductAlreadyExistsError } from '../domain/errors.ts';
import type { AddProductInput } from '../domain/limits.ts';
import { SYSTEM_ACTOR } from '../reactions/saga-metadata.ts';

/** A small, plausible catalogue for demos. SKU-1..3 are the ones the README's examples order. */
export const DEMO_CATALOGUE: readonly AddProductInput[] = [
  { sku: 'SKU-1', name: 'Stainless Steel Electric Kettle 1.7 L', priceCents: 3999, currency: 'EUR', stock: 50 },
  { sku: 'SKU-2', name: 'Burr Coffee Grinder', priceCents: 8950, currency: 'EUR', stock: 25 },
  { sku: 'SKU-3', name: 'Cast Iron Skillet 28 cm', priceCents: 4499, currency: 'EUR', stock: 40 },
  { sku: 'FRENCH-PRESS-01', name: 'French Press 1 L, Borosilicate Glass', priceCents: 2990, currency: 'EUR', stock: 60 },
  { sku: 'TEAPOT-CERAMIC-01', name: 'Ceramic Teapot with Infuser', priceCents: 3450, currency: 'EUR', stock: 30 },
  { sku: 'MUG-STONEWARE-02', name: 'Stoneware Mug 350 ml, Set of 2', priceCents: 1990, currency: 'EUR', stock: 120 },
  { sku: 'KNIFE-CHEF-20', name: "Chef's Knife 20 cm, Forged Steel", priceCents: 6900, currency: 'EUR', stock: 35 },
  { sku: 'BOARD-OAK-40', name: 'Oak Cutting Board 40 x 25 cm', priceCents: 3900, currency: 'EUR', stock: 45 },
  { sku: 'SCALE-KITCHEN-5K', name: 'Digital Kitchen Scale 5 kg', priceCents: 2490, currency: 'EUR', stock: 80 },
  { sku: 'DUTCH-OVEN-24', name: 'Enamelled Dutch Oven 24 cm', priceCents: 11900, currency: 'EUR', stock: 15 },
  { sku: 'TOWEL-LINEN-03', name: 'Linen Tea Towels, Set of 3', priceCents: 2450, currency: 'EUR', stock: 100 },
  { sku: 'JAR-GLASS-1L', name: 'Glass Storage Jar 1 L with Clip Lid', priceCents: 890, currency: 'EUR', stock: 200 },
  { sku: 'WHISK-BALLOON-30', name: 'Balloon Whisk 30 cm', priceCents: 1290, currency: 'EUR', stock: 70 },
  { sku: 'THERMOMETER-PROBE', name: 'Instant-Read Probe Thermometer', priceCents: 2199, currency: 'EUR', stock: 55 },
];

/**
 * Adds every demo product through the normal command path (so each gets its ProductAdded event
 * and reaches the read model like any other). A product that already exists is left alone:
 * seeding at every start must not fail, nor reset stock that orders have moved.
 */
export async function seedDemoCatalogue(products: ProductCommands, logger: Logger): Promise<void> {
  let added = 0;
  for (const product of DEMO_CATALOGUE) {
    try {
      await products.addProduct(product, seedMetadata(product.sku));
      added++;
    } catch (error) {
      if (!(error instanceof ProductAlreadyExistsError)) throw error;
    }
  }
  logger.info({ added, total: DEMO_CATALOGUE.length }, 'demo catalogue seeded');
}

function seedMetadata(sku: string): CommandMetadata {
  return { actor: { ...SYSTEM_ACTOR }, correlationId: sku, causationId: 'seed-demo-catalogue' };
}
