import { callSubgraph } from '@tributary/testing/stack';
import { createAssertionSigner, generateAssertionKeyPair } from '@tributary/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type SubgraphName } from '../../support/stack.ts';

/**
 * An attacker on the same host calls the subgraphs directly, past the gateway: without an
 * assertion the gateway signed for that subgraph and that body, every one answers 401 and
 * nothing changes. `_service` and `_entities` are behind the same check.
 */
let stack: Stack;
const admin = { customerId: 'mallory', role: 'admin' as const };
const names: SubgraphName[] = ['order', 'inventory', 'payment', 'notification'];

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function commitCounts(): Promise<number[]> {
  return Promise.all(names.map(async (name) => (await stack.db(name)).collection('event_commits').countDocuments()));
}

describe('direct subgraph calls', () => {
  const attacks: [string, SubgraphName, string][] = [
    ['places an order', 'order', `mutation { placeOrder(input: { items: [{ sku: "SKU-1", quantity: 1 }] }) { id } }`],
    ['lists every order', 'order', `{ orders(first: 100) { edges { node { id customerId } } } }`],
    ['adds a product', 'inventory', `mutation { addProduct(input: { sku: "EVIL-1", name: "x", priceCents: 1, stock: 5 }) { sku } }`],
    ['reads the SDL', 'payment', `{ _service { sdl } }`],
    ['resolves entities', 'notification', `{ _entities(representations: [{ __typename: "Order", id: "x" }]) { ... on Order { id } } }`],
  ];

  it.each(attacks)('unsigned: %s on %s -> 401, nothing changed', async (_what, name, query) => {
    const before = await commitCounts();
    const result = await callSubgraph(stack.subgraphUrls[name]!, { query }, { audience: name, actor: admin, signer: null, headers: { 'x-tributary-actor': JSON.stringify(admin) } });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await commitCounts()).toEqual(before);
  });

  it.each(attacks)('forged key: %s on %s -> 401', async (_what, name, query) => {
    const forger = await createAssertionSigner({ privateKeyPem: (await generateAssertionKeyPair()).privateKeyPem });
    expect((await callSubgraph(stack.subgraphUrls[name]!, { query }, { audience: name, actor: admin, signer: forger })).status).toBe(401);
  });

  it('an assertion for one subgraph is refused by another', async () => {
    const result = await callSubgraph(stack.subgraphUrls.inventory!, { query: '{ _service { sdl } }' }, { audience: 'order', actor: admin, signer: stack.infra.signer });
    expect(result.status).toBe(401);
  });
});
