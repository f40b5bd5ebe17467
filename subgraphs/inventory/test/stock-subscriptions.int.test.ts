import { randomUUID } from 'node:crypto';
import { createRedisChangeFeed, type ChangeFeed } from '@tributary/service';
import { createLogger } from '@tributary/telemetry';
import {
  connectSubgraphSubscriptions,
  countSubscriptions,
  eventually,
  startInfrastructure,
  type SubgraphSubscriptions,
  type SubscriptionProbe,
  type TestInfrastructure,
} from '@tributary/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCT_CHANGES_CHANNEL } from '../src/projections/read-models.ts';
import { admin, orderPlaced, startInventory, type InventoryHarness } from './support.ts';

// stockChanged end to end on the embedded stack: admin mutations and order events -> the
// products projection -> Redis change feed -> graphql-ws, signed the way the gateway signs.

let infra: TestInfrastructure;
let feed: ChangeFeed & { active(channel?: string): number };
let inventory: InventoryHarness;
let client: SubgraphSubscriptions;

interface StockChange {
  stockChanged: { sku: string; available: number; reserved: number };
}
const STOCK_CHANGED = `subscription($skus: [String!], $current: Boolean) {
  stockChanged(skus: $skus, includeCurrent: $current) { sku available reserved }
}`;

beforeAll(async () => {
  infra = await startInfrastructure({ redis: true });
  feed = countSubscriptions(createRedisChangeFeed({ url: infra.redisUrl!, service: 'inventory', logger: createLogger('stock-subscriptions-test', 'silent') }));
  inventory = await startInventory(infra, 'inventory_subscriptions', { changeFeed: feed });
  client = connectSubgraphSubscriptions(inventory.url, { audience: 'inventory', signer: infra.signer });
});

afterAll(async () => {
  await client?.close();
  await inventory?.stop();
  await infra?.stop();
});

const sku = (name: string) => `SUB-${name}-${randomUUID().slice(0, 6)}`;

async function addProduct(productSku: string, stock: number): Promise<void> {
  const result = await inventory.gql('mutation($input: AddProductInput!) { addProduct(input: $input) { sku } }', { input: { sku: productSku, name: productSku, priceCents: 100, stock } }, admin);
  expect(result.errors).toBeUndefined();
}

async function restock(productSku: string, quantity: number): Promise<void> {
  const result = await inventory.gql('mutation($sku: String!, $quantity: Int!) { restock(sku: $sku, quantity: $quantity) { sku } }', { sku: productSku, quantity }, admin);
  expect(result.errors).toBeUndefined();
}

const live = (count: number) => eventually(async () => feed.active(PRODUCT_CHANGES_CHANNEL) >= count, 10_000, `${count} live subscriptions`);

/** `available/reserved` of one sku, in the order received. */
const stockOf = (probe: SubscriptionProbe<StockChange>, productSku: string) =>
  probe.results.map((result) => result.data?.stockChanged).filter((product) => product?.sku === productSku).map((product) => `${product!.available}/${product!.reserved}`);

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('stockChanged', () => {
  it('sends anyone the changes of the products they follow, or of every product', async () => {
    const [kettle, mug] = [sku('KETTLE'), sku('MUG')];
    const followsKettle = await client.subscribe<StockChange>(STOCK_CHANGED, { skus: [kettle] }, null);
    const followsAll = await client.subscribe<StockChange>(STOCK_CHANGED, undefined, null);
    await live(2);
    await addProduct(kettle, 5);
    await addProduct(mug, 1);
    await restock(kettle, 4);
    await eventually(async () => stockOf(followsKettle, kettle).length === 2 && stockOf(followsAll, mug).length === 1, 15_000, 'the changes');
    await settle();
    expect(stockOf(followsKettle, kettle)).toEqual(['5/0', '9/0']);
    expect(stockOf(followsKettle, mug)).toEqual([]);
    expect(stockOf(followsAll, kettle)).toEqual(['5/0', '9/0']);
    expect(stockOf(followsAll, mug)).toEqual(['1/0']);
    followsKettle.unsubscribe();
    followsAll.unsubscribe();
    await eventually(async () => feed.active(PRODUCT_CHANGES_CHANNEL) === 0, 10_000, 'the subscriptions to end in the service');
  });

  it('sends the current stock first with includeCurrent, then every change (reservations included), none repeated', async () => {
    const pan = sku('PAN');
    await addProduct(pan, 3);
    await eventually(async () => (await inventory.gql<{ product: { sku: string } | null }>('query($sku: String!) { product(sku: $sku) { sku } }', { sku: pan }, null)).data?.product, 15_000, 'the product in the read model');
    const probe = await client.subscribe<StockChange>(STOCK_CHANGED, { skus: [pan], current: true }, null);
    await probe.take(1);
    await restock(pan, 2);
    // An order reserves two: the reservation changes `reserved` and `available`.
    await inventory.publish(orderPlaced(`o-${randomUUID()}`, [{ sku: pan, quantity: 2 }]));
    await eventually(async () => stockOf(probe, pan).length === 3, 15_000, 'the restock and the reservation');
    await settle();
    expect(stockOf(probe, pan)).toEqual(['3/0', '5/0', '3/2']);
    probe.unsubscribe();
  });

  it('refuses an empty list of skus with BAD_USER_INPUT', async () => {
    const probe = await client.subscribe<StockChange>(STOCK_CHANGED, { skus: [] }, null);
    expect((await probe.take(1))[0]?.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'skus' });
  });
});
