import { callSubgraph, eventually, startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, customer, PRODUCT_FIELDS, startInventory, type InventoryHarness } from './support.ts';

let infra: TestInfrastructure;
let inventory: InventoryHarness;

beforeAll(async () => {
  infra = await startInfrastructure();
  inventory = await startInventory(infra, 'inventory_api');
});

afterAll(async () => {
  await inventory?.stop();
  await infra?.stop();
});

const ADD = `mutation Add($input: AddProductInput!) { addProduct(input: $input) { ${PRODUCT_FIELDS} } }`;
const RESTOCK = `mutation Restock($sku: String!, $quantity: Int!) { restock(sku: $sku, quantity: $quantity) { ${PRODUCT_FIELDS} } }`;
const PRODUCT = `query One($sku: String!) { product(sku: $sku) { ${PRODUCT_FIELDS} } }`;
const PRODUCTS = `query Page($first: Int, $after: String, $search: String) {
  products(first: $first, after: $after, search: $search) { edges { cursor node { sku name } } pageInfo { hasNextPage endCursor } }
}`;

type ProductAnswer = { sku: string; name: string; priceCents: number; currency: string; available: number; reserved: number };

async function addProduct(input: Record<string, unknown>) {
  return inventory.gql<{ addProduct: ProductAnswer }>(ADD, { input }, admin);
}

async function readProduct(sku: string) {
  return (await inventory.gql<{ product: ProductAnswer | null }>(PRODUCT, { sku }, null)).data?.product ?? null;
}

describe('catalogue API', () => {
  it('addProduct answers with the product as just recorded, and the read model follows', async () => {
    const answer = await addProduct({ sku: 'API-KETTLE', name: 'Kettle', priceCents: 2999, stock: 7 });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.addProduct).toEqual({ sku: 'API-KETTLE', name: 'Kettle', priceCents: 2999, currency: 'EUR', available: 7, reserved: 0 });
    const product = await eventually(() => readProduct('API-KETTLE'), 15_000, 'the product in the read model');
    expect(product).toEqual(answer.data?.addProduct);
  });

  it('restock answers with the new stock at once', async () => {
    await addProduct({ sku: 'API-MUG', name: 'Mug', priceCents: 990, currency: 'EUR', stock: 1 });
    const answer = await inventory.gql<{ restock: ProductAnswer }>(RESTOCK, { sku: 'API-MUG', quantity: 4 }, admin);
    expect(answer.data?.restock).toMatchObject({ sku: 'API-MUG', available: 5, reserved: 0 });
    await eventually(async () => (await readProduct('API-MUG'))?.available === 5, 15_000, 'the restock in the read model');
  });

  it('refuses a sku that exists (CONFLICT), bad input (BAD_USER_INPUT naming the field), an unknown sku (NOT_FOUND)', async () => {
    await addProduct({ sku: 'API-PAN', name: 'Pan', priceCents: 4500, stock: 3 });
    const again = await addProduct({ sku: 'API-PAN', name: 'Other pan', priceCents: 1, stock: 1 });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const negative = await addProduct({ sku: 'API-BAD', name: 'Bad', priceCents: -1, stock: 1 });
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'priceCents' });
    const badSku = await addProduct({ sku: 'no spaces please', name: 'Bad', priceCents: 1, stock: 1 });
    expect(badSku.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sku' });

    const unknown = await inventory.gql(RESTOCK, { sku: 'API-NOPE', quantity: 1 }, admin);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const zero = await inventory.gql(RESTOCK, { sku: 'API-PAN', quantity: 0 }, admin);
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'quantity' });
    expect(await inventory.service.runtime.store.streamVersion('API-BAD')).toBe(0);
  });

  it('lets only admins write: FORBIDDEN for a customer, UNAUTHENTICATED for an anonymous caller', async () => {
    const input = { sku: 'API-FORBIDDEN', name: 'Nope', priceCents: 100, stock: 1 };
    const asCustomer = await inventory.gql(ADD, { input }, customer());
    expect(asCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await inventory.gql(RESTOCK, { sku: 'API-KETTLE', quantity: 1 }, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await inventory.service.runtime.store.streamVersion('API-FORBIDDEN')).toBe(0);
  });

  it('answers 401 to a request the gateway did not sign, and changes nothing', async () => {
    const input = { sku: 'API-UNSIGNED', name: 'Unsigned', priceCents: 100, stock: 1 };
    const answer = await callSubgraph(inventory.url, { query: ADD, variables: { input } }, { audience: 'inventory', actor: admin, signer: null });
    expect(answer.status).toBe(401);
    expect(await inventory.service.runtime.store.streamVersion('API-UNSIGNED')).toBe(0);
  });

  it('pages products by sku and searches name or sku case-insensitively, literally', async () => {
    for (const [sku, name] of [
      ['PAGE-A', 'Alpha Teapot'],
      ['PAGE-B', 'Bravo (1+1) Kettle'],
      ['PAGE-C', 'Charlie teapot'],
    ] as const) {
      await addProduct({ sku, name, priceCents: 100, stock: 1 });
    }
    await eventually(async () => (await readProduct('PAGE-C')) !== null, 15_000, 'PAGE-C in the read model');
    type PageAnswer = { products: { edges: { cursor: string; node: { sku: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

    const first = await inventory.gql<PageAnswer>(PRODUCTS, { first: 2, search: 'page-' }, null);
    expect(first.data?.products.edges.map((edge) => edge.node.sku)).toEqual(['PAGE-A', 'PAGE-B']);
    expect(first.data?.products.pageInfo.hasNextPage).toBe(true);
    const second = await inventory.gql<PageAnswer>(PRODUCTS, { first: 2, search: 'page-', after: first.data?.products.pageInfo.endCursor }, null);
    expect(second.data?.products.edges.map((edge) => edge.node.sku)).toEqual(['PAGE-C']);
    expect(second.data?.products.pageInfo).toEqual({ hasNextPage: false, endCursor: second.data?.products.edges[0]?.cursor });

    const teapots = await inventory.gql<PageAnswer>(PRODUCTS, { search: 'TEAPOT' }, null);
    expect(teapots.data?.products.edges.map((edge) => edge.node.sku)).toEqual(['PAGE-A', 'PAGE-C']);
    // Regex syntax in the search is text: "(1+1)" matches only the name that contains it.
    const literal = await inventory.gql<PageAnswer>(PRODUCTS, { search: '(1+1)' }, null);
    expect(literal.data?.products.edges.map((edge) => edge.node.sku)).toEqual(['PAGE-B']);
    const wildcard = await inventory.gql<PageAnswer>(PRODUCTS, { search: '.*' }, null);
    expect(wildcard.data?.products.edges).toEqual([]);

    const tooBig = await inventory.gql(PRODUCTS, { first: 101 }, null);
    expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('resolves Product entities by sku for the gateway (public data), null for an unknown sku', async () => {
    await eventually(() => readProduct('API-KETTLE'), 15_000, 'API-KETTLE');
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { sku name available } } }`;
    const answer = await inventory.gql<{ _entities: unknown[] }>(
      query,
      { representations: [{ __typename: 'Product', sku: 'API-KETTLE' }, { __typename: 'Product', sku: 'API-UNKNOWN' }] },
      null,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?._entities).toEqual([{ sku: 'API-KETTLE', name: 'Kettle', available: 7 }, null]);
  });
});
