import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../support/stack.ts';
import { collect, gatewayClient, until } from '../../subscriptions/subscription-client.ts';
import { sagaClient } from '../saga/saga-client.ts';

let stack: Stack;
let saga: ReturnType<typeof sagaClient>;
let alice: string;
let admin: string;

beforeAll(async () => {
  stack = await startStack();
  saga = sagaClient(stack);
  [alice, admin] = await Promise.all([stack.token('alice'), stack.token('root', 'admin')]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('stockChanged and notificationSent through the gateway', () => {
  it('streams a product\'s stock: the current state first, then the reservation of an order (anonymous: the catalogue is public)', async () => {
    const sku = await saga.addProduct(admin, 10);
    const client = gatewayClient(stack.graphqlUrl);
    const sub = collect<{ stockChanged: { sku: string; available: number; reserved: number } }>(
      client,
      'subscription($skus: [String!]) { stockChanged(skus: $skus, includeCurrent: true) { sku available reserved } }',
      { skus: [sku] },
    );
    await until(() => expect(sub.results).toHaveLength(1));
    expect(sub.results[0]?.data).toEqual({ stockChanged: { sku, available: 10, reserved: 0 } });
    const id = await saga.place(alice, [{ sku, quantity: 3 }]);
    await saga.until(id, alice, (order) => order.status === 'CONFIRMED', 'order confirmed');
    await until(() => expect(sub.results.at(-1)?.data).toEqual({ stockChanged: { sku, available: 7, reserved: 3 } }), { timeoutMs: 20_000 });
    sub.unsubscribe();
    await client.dispose();
  });

  it('streams the caller\'s notifications as they are sent', async () => {
    const client = gatewayClient(stack.graphqlUrl, { authorization: `Bearer ${alice}` });
    const sub = collect<{ notificationSent: { type: string; subject: string; recipient: string } }>(
      client,
      'subscription { notificationSent { type subject recipient } }',
    );
    const sku = await saga.addProduct(admin, 5);
    const id = await saga.place(alice, [{ sku, quantity: 1 }]);
    await saga.until(id, alice, (order) => order.status === 'CONFIRMED', 'order confirmed');
    await until(() => expect(sub.results.map((r) => r.data?.notificationSent.type)).toContain('ORDER_CONFIRMED'), { timeoutMs: 20_000 });
    expect(sub.results.every((r) => r.data?.notificationSent.recipient.startsWith('alice@'))).toBe(true);
    sub.unsubscribe();
    await client.dispose();
  });
});
