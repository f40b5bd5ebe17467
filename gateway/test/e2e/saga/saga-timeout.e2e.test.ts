import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startStack, type Stack } from '../../support/stack.ts';
import { sagaClient } from './saga-client.ts';

/**
 * An order whose payment never gets an answer (the provider holds pm_card_timeout requests) is
 * cancelled with TIMEOUT at its deadline; the stock comes back and nothing is charged.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ orderDeadlineMs: 3_000, paymentProviderTimeoutMs: 300 });
});

afterAll(async () => {
  await stack?.stop();
});

it('cancels with TIMEOUT, releases the stock and never captures', async () => {
  const client = sagaClient(stack);
  const admin = await stack.token('root', 'admin');
  const alice = await stack.token('alice');
  const sku = await client.addProduct(admin, 2);
  const id = await client.place(alice, [{ sku, quantity: 1 }], 'pm_card_timeout');
  const pending = await client.until(id, alice, (o) => (o.payment?.attempts ?? 0) >= 1, 'a failed attempt', 10_000);
  expect(pending.status).toBe('PENDING');
  const order = await client.until(id, alice, (o) => o.status === 'CANCELLED' && o.reservation?.status === 'RELEASED', 'TIMEOUT', 20_000);
  expect(order.cancellationReason).toBe('TIMEOUT');
  expect(order.payment?.status).not.toBe('CAPTURED');
  await eventually(async () => (await client.product(sku, alice)).available === 2, 10_000, 'stock released');
  await client.until(id, alice, (o) => o.payment?.status === 'VOIDED', 'payment voided', 10_000);
});
