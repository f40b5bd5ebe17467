import { eventually, startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE } from '../src/seed/demo-catalogue.ts';
import { admin, startInventory } from './support.ts';

let infra: TestInfrastructure;

beforeAll(async () => {
  infra = await startInfrastructure();
});

afterAll(async () => {
  await infra?.stop();
});

describe('demo catalogue', () => {
  it('is recorded before the service reports ready, and a restart leaves existing products alone', async () => {
    const first = await startInventory(infra, 'inventory_seed', { seedDemoCatalogue: true });
    const { store } = first.service.runtime;
    for (const product of DEMO_CATALOGUE) expect(await store.streamVersion(product.sku)).toBe(1);
    // Orders move stock between starts; the next seeding must not reset it.
    const restock = await first.gql(`mutation { restock(sku: "SKU-1", quantity: 5) { available } }`, {}, admin);
    expect(restock.data).toEqual({ restock: { available: 55 } });
    await eventually(async () => {
      const answer = await first.gql<{ products: { edges: unknown[] } }>(`query { products(first: 100) { edges { cursor } } }`, {}, null);
      return answer.data?.products.edges.length === DEMO_CATALOGUE.length;
    }, 15_000, 'the demo catalogue in the read model');
    await first.stop();

    const second = await startInventory(infra, 'inventory_seed', { seedDemoCatalogue: true });
    expect(await second.service.runtime.store.streamVersion('SKU-1')).toBe(2);
    await second.stop();
  });

  it('has at least 12 products, including the README’s SKU-1..3', () => {
    expect(DEMO_CATALOGUE.length).toBeGreaterThanOrEqual(12);
    expect(DEMO_CATALOGUE.map((product) => product.sku)).toEqual(expect.arrayContaining(['SKU-1', 'SKU-2', 'SKU-3']));
    expect(new Set(DEMO_CATALOGUE.map((product) => product.sku)).size).toBe(DEMO_CATALOGUE.length);
  });
});
