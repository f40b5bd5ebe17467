import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startStack, type Stack } from '../../support/stack.ts';
import { sagaClient } from './saga-client.ts';

/**
 * 40 customers race for 10 units: exactly 10 orders are confirmed, 30 cancelled OUT_OF_STOCK,
 * and available stock is never seen below zero while it happens.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

it('40 concurrent orders for a sku with stock 10 -> 10 CONFIRMED, 30 OUT_OF_STOCK, available 0, never negative', async () => {
  const client = sagaClient(stack);
  const admin = await stack.token('root', 'admin');
  const sku = await client.addProduct(admin, 10);
  // addProduct answers from the write side; wait until the read model has the product too.
  await eventually(async () => (await client.product(sku, admin).catch(() => null))?.available === 10, 10_000, 'product projected');
  const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => stack.token(`racer-${i}`)));

  let watching = true;
  const seenAvailable: number[] = [];
  const watcher = (async () => {
    while (watching) {
      seenAvailable.push((await client.product(sku, admin)).available);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  const ids = await Promise.all(tokens.map((token) => client.place(token, [{ sku, quantity: 1 }])));
  const finals = await Promise.all(
    ids.map((id, i) => client.until(id, tokens[i]!, (o) => o.status === 'CONFIRMED' || o.status === 'CANCELLED', `order ${i} final`, 60_000)),
  );
  watching = false;
  await watcher;

  expect(finals.filter((o) => o.status === 'CONFIRMED')).toHaveLength(10);
  const cancelled = finals.filter((o) => o.status === 'CANCELLED');
  expect(cancelled).toHaveLength(30);
  expect(cancelled.every((o) => o.cancellationReason === 'OUT_OF_STOCK')).toBe(true);
  expect(await client.product(sku, admin)).toEqual({ available: 0, reserved: 10 });
  expect(seenAvailable.length).toBeGreaterThan(0);
  expect(Math.min(...seenAvailable)).toBeGreaterThanOrEqual(0);
});
