import { ConfigError } from '@tributary/service';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', MONGO_URL: 'mongodb://127.0.0.1:27017/tributary_payment', GATEWAY_PUBLIC_KEY: 'pem' };

describe('payment config', () => {
  it('defaults the port and the provider settings', () => {
    const config = loadConfig({ ...base, PAYMENT_PROVIDER_URL: 'http://127.0.0.1:4100' });
    expect(config.port).toBe(4003);
    expect(config.env).toEqual({
      PAYMENT_PROVIDER_URL: 'http://127.0.0.1:4100',
      PAYMENT_PROVIDER_TIMEOUT_MS: 2_000,
      PAYMENT_RETRY_INITIAL_MS: 200,
      PAYMENT_RETRY_MAX_MS: 30_000,
      PAYMENT_RETRY_POLL_MS: 500,
      PAYMENT_BREAKER_RESET_MS: 10_000,
    });
  });

  it('requires PAYMENT_PROVIDER_URL and names every problem', () => {
    expect(() => loadConfig(base)).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, PAYMENT_PROVIDER_URL: 'ftp://x', PAYMENT_PROVIDER_TIMEOUT_MS: '0' })).toThrow(/PAYMENT_PROVIDER_URL[\s\S]*PAYMENT_PROVIDER_TIMEOUT_MS|PAYMENT_PROVIDER_TIMEOUT_MS[\s\S]*PAYMENT_PROVIDER_URL/);
  });
});
