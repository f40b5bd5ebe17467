import { startPaymentProvider, type RunningPaymentProvider } from '@tributary/embedded-payment-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRejectedError, ProviderUnavailableError } from '../../src/provider/errors.ts';
import { createProviderHttpClient } from '../../src/provider/http-client.ts';
import { createPaymentProvider, DEFAULT_BREAKER, type ChargeRequest, type PaymentProvider } from '../../src/provider/payment-provider.ts';

// The adapter against the real provider over HTTP: how each answer is classified.
let server: RunningPaymentProvider;
let provider: PaymentProvider;
let seq = 0;

const request = (method: string): ChargeRequest => ({ paymentId: `pay_adapter-${process.pid}-${++seq}`, amount: { amount: 2500, currency: 'EUR' }, method, description: 'adapter test' });

beforeAll(async () => {
  server = await startPaymentProvider({ port: 0, timeoutHoldMs: 2_000 });
  provider = createPaymentProvider(createProviderHttpClient({ baseUrl: server.url, timeoutMs: 200 }));
});
afterAll(async () => {
  await provider.close();
  await server.close();
});

describe('payment provider adapter', () => {
  it('returns the charge id on success, and the same one when retried with the same payment id', async () => {
    const charge = request('pm_card_ok');
    const first = await provider.charge(charge);
    expect(first).toEqual({ outcome: 'succeeded', chargeId: expect.stringMatching(/^ch_/) });
    expect(await provider.charge(charge)).toEqual(first);
  });

  it('turns a 402 and an unknown payment method into declines', async () => {
    expect(await provider.charge(request('pm_card_declined'))).toEqual({ outcome: 'declined', reason: 'your card was declined' });
    expect(await provider.charge(request('pm_card_stolen'))).toMatchObject({ outcome: 'declined', reason: expect.stringContaining('pm_card_stolen') });
  });

  it('treats a 503 and a missed deadline as unavailable, never as a decline', async () => {
    const flaky = request('pm_card_flaky');
    await expect(provider.charge(flaky)).rejects.toThrow(ProviderUnavailableError);
    const startedAt = Date.now();
    await expect(provider.charge(request('pm_card_timeout'))).rejects.toThrow(/no answer within 200 ms/);
    expect(Date.now() - startedAt).toBeLessThan(1_500);
  });

  it('refunds once, accepts an already refunded charge, and rejects an unknown one', async () => {
    const { chargeId } = (await provider.charge(request('pm_card_ok'))) as { chargeId: string };
    await provider.refund({ chargeId, idempotencyKey: `refund-${chargeId}` });
    await provider.refund({ chargeId, idempotencyKey: `refund-${chargeId}` });
    await provider.refund({ chargeId, idempotencyKey: 'another-key' });
    const stats = (await (await fetch(`${server.url}/v1/stats`)).json()) as { refunds: number };
    expect(stats.refunds).toBe(1);
    await expect(provider.refund({ chargeId: 'ch_unknown', idempotencyKey: 'k' })).rejects.toThrow(ProviderRejectedError);
  });

  it('opens the circuit after repeated failures and then fails fast without calling', async () => {
    const breaking = createPaymentProvider(createProviderHttpClient({ baseUrl: server.url, timeoutMs: 100 }), { ...DEFAULT_BREAKER, volumeThreshold: 3, resetTimeoutMs: 60_000 });
    try {
      for (let i = 0; i < 3; i++) await expect(breaking.charge(request('pm_card_timeout'))).rejects.toThrow(ProviderUnavailableError);
      const startedAt = Date.now();
      await expect(breaking.charge(request('pm_card_ok'))).rejects.toThrow(/circuit is open/);
      expect(Date.now() - startedAt).toBeLessThan(50);
    } finally {
      await breaking.close();
    }
  });

  it('reports an unreachable provider as unavailable', async () => {
    const nowhere = createPaymentProvider(createProviderHttpClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 }));
    try {
      await expect(nowhere.charge(request('pm_card_ok'))).rejects.toThrow(ProviderUnavailableError);
    } finally {
      await nowhere.close();
    }
  });
});
