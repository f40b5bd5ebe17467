import { describe, expect, it } from 'vitest';
import { loadConfig, subgraphEnvName } from '../src/config.ts';

const secret = 'x'.repeat(32);
const signing = { GATEWAY_SIGNING_KEY_FILE: '/run/keys/gateway-signing-key.pem' };

describe('loadConfig', () => {
  it('applies defaults and reads an HS256 secret', () => {
    const config = loadConfig({ JWT_SECRET: secret, ...signing });
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      supergraphPath: 'supergraph.graphql',
      subgraphUrlOverrides: {},
      auth: { keys: { kind: 'secret', secret }, issuer: 'tributary', audience: 'tributary' },
      logLevel: 'info',
      signingKey: { kind: 'file', path: '/run/keys/gateway-signing-key.pem' },
    });
  });

  it('requires the key that signs subgraph requests', () => {
    expect(() => loadConfig({ JWT_SECRET: secret })).toThrowError(/GATEWAY_SIGNING_KEY/);
    expect(loadConfig({ JWT_SECRET: secret, GATEWAY_SIGNING_KEY: 'pem' }).signingKey).toEqual({ kind: 'pem', pem: 'pem' });
  });

  it('reads per-subgraph URL overrides', () => {
    const config = loadConfig({ JWKS_URL: 'https://id.example.com/.well-known/jwks.json', SUBGRAPH_URL_ORDER: 'http://order:4001/graphql', ...signing });
    expect(config.subgraphUrlOverrides).toEqual({ order: 'http://order:4001/graphql' });
    expect(config.auth.keys).toEqual({ kind: 'jwks', url: 'https://id.example.com/.well-known/jwks.json' });
    expect(subgraphEnvName('order')).toBe('SUBGRAPH_URL_ORDER');
  });

  it('fails with a message naming every bad variable', () => {
    expect(() => loadConfig({ GATEWAY_PORT: 'abc', SUBGRAPH_URL_ORDER: 'order:4001' })).toThrowError(
      /GATEWAY_PORT[\s\S]*exactly one of JWT_SECRET, JWT_SECRET_FILE[\s\S]*SUBGRAPH_URL_ORDER: must be an http\(s\) URL/,
    );
  });

  it('refuses two key sources at once and short secrets', () => {
    expect(() => loadConfig({ JWT_SECRET: secret, JWT_SECRET_FILE: '/tmp/s', ...signing })).toThrowError(/exactly one/);
    expect(() => loadConfig({ JWT_SECRET: 'short', ...signing })).toThrowError(/at least 32 characters/);
  });
});
