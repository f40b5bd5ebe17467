import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaymentProvider, type RunningPaymentProvider, type Stats } from '../src/index.ts';

let provider: RunningPaymentProvider;
let keySeq = 0;
const newKey = () => `key-${process.pid}-${++keySeq}`;

beforeAll(async () => {
  provider = await startPaymentProvider({ port: 0, timeoutHoldMs: 1_000 });
});
afterAll(async () => {
  await provider.close();
});

/** The provider's JSON: a resource, a list, or an error. */
interface Body {
  id?: string;
  status?: string;
  refunded?: boolean;
  data?: unknown[];
  error?: { type?: string; code?: string; message?: string; charge?: string };
  [field: string]: unknown;
}

async function post(path: string, body: unknown, key?: string, signal?: AbortSignal) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers['idempotency-key'] = key;
  const response = await fetch(`${provider.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
  return { status: response.status, body: (await response.json()) as Body };
}

async function get(path: string) {
  const response = await fetch(`${provider.url}${path}`);
  return { status: response.status, body: (await response.json()) as Body };
}

const stats = async () => (await (await fetch(`${provider.url}/v1/stats`)).json()) as Stats;
const charge = (method: string, extra: Record<string, unknown> = {}) => ({ amount: 1999, currency: 'EUR', method, ...extra });

describe('payment provider', () => {
  it('answers /health', async () => {
    expect(await get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('charges pm_card_ok and can read the charge back', async () => {
    const before = await stats();
    const res = await post('/v1/charges', charge('pm_card_ok', { description: 'order o-1' }), newKey());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'succeeded', amount: 1999, currency: 'EUR' });
    expect(res.body.id).toMatch(/^ch_/);
    const read = await get(`/v1/charges/${res.body.id}`);
    expect(read.body).toMatchObject({ id: res.body.id, status: 'succeeded', method: 'pm_card_ok', refunded: false, description: 'order o-1' });
    expect((await get('/v1/charges?description=order%20o-1')).body.data).toHaveLength(1);
    expect((await stats()).chargesSucceeded).toBe(before.chargesSucceeded + 1);
  });

  it('declines pm_card_declined with 402 and a card_error', async () => {
    const before = await stats();
    const res = await post('/v1/charges', charge('pm_card_declined'), newKey());
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({ type: 'card_error', code: 'card_declined' });
    expect(res.body.error?.message).toEqual(expect.any(String));
    expect((await stats()).chargesDeclined).toBe(before.chargesDeclined + 1);
  });

  it('fails pm_card_flaky twice per idempotency key, then succeeds', async () => {
    const key = newKey();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post('/v1/charges', charge('pm_card_flaky'), key)).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
    // Another key has its own two failures.
    expect((await post('/v1/charges', charge('pm_card_flaky'), newKey())).status).toBe(503);
  });

  it('holds pm_card_timeout without answering, then drops the connection', async () => {
    const startedAt = Date.now();
    await expect(post('/v1/charges', charge('pm_card_timeout'), newKey(), AbortSignal.timeout(300))).rejects.toThrow();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    // Past the hold, the provider drops the connection without a response.
    await expect(post('/v1/charges', charge('pm_card_timeout'), newKey())).rejects.toThrow();
  });

  it('refuses bad requests with 400: no key, unknown method, bad amount, bad JSON', async () => {
    expect((await post('/v1/charges', charge('pm_card_ok'))).body.error?.code).toBe('idempotency_key_missing');
    const unknown = await post('/v1/charges', charge('pm_card_unknown'), newKey());
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe('payment_method_unknown');
    expect((await post('/v1/charges', charge('pm_card_ok', { amount: 0 }), newKey())).status).toBe(400);
    expect((await post('/v1/charges', charge('pm_card_ok', { amount: 1.5 }), newKey())).status).toBe(400);
    const badJson = await fetch(`${provider.url}/v1/charges`, { method: 'POST', headers: { 'idempotency-key': newKey() }, body: '{' });
    expect(badJson.status).toBe(400);
  });

  it('replays the stored answer for the same key and body: one charge, same id', async () => {
    const key = newKey();
    const before = await stats();
    const first = await post('/v1/charges', charge('pm_card_ok'), key);
    const second = await post('/v1/charges', charge('pm_card_ok'), key);
    expect(second).toEqual(first);
    const declinedKey = newKey();
    expect((await post('/v1/charges', charge('pm_card_declined'), declinedKey)).body).toEqual((await post('/v1/charges', charge('pm_card_declined'), declinedKey)).body);
    const after = await stats();
    expect(after.chargesSucceeded - before.chargesSucceeded).toBe(1);
    expect(after.chargesDeclined - before.chargesDeclined).toBe(1);
    expect(after.idempotentReplays - before.idempotentReplays).toBe(2);
  });

  it('answers 409 when a key is reused with another body', async () => {
    const key = newKey();
    await post('/v1/charges', charge('pm_card_ok'), key);
    const res = await post('/v1/charges', charge('pm_card_ok', { amount: 2000 }), key);
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('idempotency_key_reused');
  });

  it('refunds a charge once: same key replays, another key is refused, unknown charges are 404', async () => {
    const { body: paid } = await post('/v1/charges', charge('pm_card_ok'), newKey());
    const before = await stats();
    const key = newKey();
    const first = await post('/v1/refunds', { charge: paid.id }, key);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'succeeded', charge: paid.id, amount: 1999 });
    expect(first.body.id).toMatch(/^re_/);
    expect(await post('/v1/refunds', { charge: paid.id }, key)).toEqual(first);
    const again = await post('/v1/refunds', { charge: paid.id }, newKey());
    expect(again.status).toBe(400);
    expect(again.body.error?.code).toBe('charge_already_refunded');
    expect((await stats()).refunds).toBe(before.refunds + 1);
    expect((await get(`/v1/charges/${paid.id}`)).body.refunded).toBe(true);

    expect((await post('/v1/refunds', { charge: 'ch_doesnotexist' }, newKey())).status).toBe(404);
    expect((await post('/v1/refunds', { charge: paid.id })).status).toBe(400);
    expect((await get('/v1/charges/ch_doesnotexist')).status).toBe(404);
  });

  it('will not refund a declined charge', async () => {
    const declined = await post('/v1/charges', charge('pm_card_declined'), newKey());
    const res = await post('/v1/refunds', { charge: declined.body.error?.charge }, newKey());
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('charge_not_refundable');
  });

  it('answers unknown routes with 404', async () => {
    expect((await get('/v1/nothing')).status).toBe(404);
  });
});
