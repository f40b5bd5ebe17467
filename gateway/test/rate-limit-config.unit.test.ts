import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const base = { JWT_SECRET: 'x'.repeat(32), GATEWAY_SIGNING_KEY: 'pem' };

describe('rate-limit configuration', () => {
  it('defaults to 50/s with bursts of 100 per customer, 20/s per anonymous IP, and off without REDIS_URL', () => {
    expect(loadConfig(base).rateLimit).toEqual({
      redisUrl: undefined,
      customer: { perSecond: 50, burst: 100 },
      anonymous: { perSecond: 20, burst: 20 },
    });
  });

  it('reads REDIS_URL and the limits from the environment', () => {
    const config = loadConfig({
      ...base,
      REDIS_URL: 'redis://127.0.0.1:6390',
      RATE_LIMIT_CUSTOMER_PER_SECOND: '10',
      RATE_LIMIT_CUSTOMER_BURST: '30',
      RATE_LIMIT_ANONYMOUS_PER_SECOND: '5',
    });
    expect(config.rateLimit).toEqual({
      redisUrl: 'redis://127.0.0.1:6390',
      customer: { perSecond: 10, burst: 30 },
      anonymous: { perSecond: 5, burst: 5 },
    });
  });

  it('refuses values that cannot be limits, naming the variable', () => {
    expect(() => loadConfig({ ...base, REDIS_URL: 'http://127.0.0.1:6379' })).toThrowError(/REDIS_URL/);
    expect(() => loadConfig({ ...base, RATE_LIMIT_CUSTOMER_PER_SECOND: '0' })).toThrowError(/RATE_LIMIT_CUSTOMER_PER_SECOND/);
    expect(() => loadConfig({ ...base, RATE_LIMIT_ANONYMOUS_PER_SECOND: 'many' })).toThrowError(/RATE_LIMIT_ANONYMOUS_PER_SECOND/);
    expect(() => loadConfig({ ...base, RATE_LIMIT_CUSTOMER_BURST: '10' })).toThrowError(/RATE_LIMIT_CUSTOMER_BURST must be at least/);
  });
});
