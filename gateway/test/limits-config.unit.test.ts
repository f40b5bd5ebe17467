import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { DEFAULT_OPERATION_LIMITS } from '../src/limits/operation-limits.ts';

const base = { JWT_SECRET: 'x'.repeat(32), GATEWAY_SIGNING_KEY_FILE: '/run/keys/gateway-signing-key.pem' };

describe('operation limits and introspection in the gateway configuration', () => {
  it('default to the safe limits', () => {
    expect(loadConfig(base).limits).toEqual(DEFAULT_OPERATION_LIMITS);
    expect(DEFAULT_OPERATION_LIMITS).toMatchObject({ maxBytes: 65_536, maxTokens: 5_000, maxDepth: 12, maxAliases: 30, maxRootFields: 10, maxDirectives: 50, maxCost: 5_000 });
  });

  it('reads each limit from its variable and refuses nonsense', () => {
    const config = loadConfig({ ...base, MAX_QUERY_DEPTH: '8', MAX_QUERY_COST: '20000', MAX_QUERY_BYTES: '1024' });
    expect(config.limits).toMatchObject({ maxDepth: 8, maxCost: 20_000, maxBytes: 1024, maxAliases: 30 });
    expect(() => loadConfig({ ...base, MAX_QUERY_ALIASES: '0' })).toThrowError(/MAX_QUERY_ALIASES/);
    expect(() => loadConfig({ ...base, MAX_QUERY_TOKENS: 'many' })).toThrowError(/MAX_QUERY_TOKENS/);
  });

  it('turn introspection on in development and off under NODE_ENV=production, unless INTROSPECTION says otherwise', () => {
    expect(loadConfig(base).introspection).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadConfig({ ...base, NODE_ENV: 'production', INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({ ...base, INTROSPECTION: '0' }).introspection).toBe(false);
    expect(() => loadConfig({ ...base, INTROSPECTION: 'yes please' })).toThrowError(/INTROSPECTION/);
  });
});
