import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { composeSupergraph } from '../../src/supergraph/compose.ts';
import { subgraphEndpoints } from '../../src/supergraph/subgraph-endpoints.ts';

const base = { JWT_SECRET: 'x'.repeat(32), GATEWAY_SIGNING_KEY_FILE: '/run/keys/gateway-signing-key.pem' };
const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

describe('SUBGRAPH_URL_<NAME> with one URL per replica', () => {
  it('reads a comma-separated list, spaces around the commas allowed', () => {
    const config = loadConfig({ ...base, SUBGRAPH_URL_ORDER: 'http://order-1:4001/graphql, http://order-2:4001/graphql,http://order-3:4001/graphql' });
    expect(config.subgraphUrlOverrides).toEqual({
      order: ['http://order-1:4001/graphql', 'http://order-2:4001/graphql', 'http://order-3:4001/graphql'],
    });
  });

  it('keeps a single URL a plain string, as before replicas', () => {
    expect(loadConfig({ ...base, SUBGRAPH_URL_PAYMENT: 'https://payment:4003/graphql' }).subgraphUrlOverrides).toEqual({
      payment: 'https://payment:4003/graphql',
    });
  });

  it('names the bad entry of a list', () => {
    expect(() => loadConfig({ ...base, SUBGRAPH_URL_ORDER: 'http://order-1:4001/graphql,order-2:4001' })).toThrowError(
      /SUBGRAPH_URL_ORDER: must be an http\(s\) URL or a comma-separated list of them, got "order-2:4001"/,
    );
    expect(() => loadConfig({ ...base, SUBGRAPH_URL_ORDER: 'http://order-1:4001/graphql,' })).toThrowError(/SUBGRAPH_URL_ORDER: .* got ""/);
  });

  it('refuses a URL listed twice', () => {
    expect(() => loadConfig({ ...base, SUBGRAPH_URL_ORDER: 'http://order-1:4001/graphql,http://order-1:4001/graphql' })).toThrowError(
      /SUBGRAPH_URL_ORDER: lists http:\/\/order-1:4001\/graphql twice/,
    );
  });
});

describe('subgraphEndpoints with replicas', () => {
  const { supergraphSdl } = composeSupergraph([
    { name: 'order', url: 'http://127.0.0.1:4001/graphql', sdl: `${FED}\ntype Query { order: String }` },
    { name: 'inventory', url: 'http://127.0.0.1:4002/graphql', sdl: `${FED}\ntype Query { stock: Int }` },
  ]);

  it('gives every replica URL, the first also as `url`, and the composed URL where nothing overrides it', () => {
    const endpoints = subgraphEndpoints(supergraphSdl, { order: ['http://order-1:4001/graphql', 'http://order-2:4001/graphql'] });
    expect(endpoints.find((e) => e.name === 'order')).toEqual({
      name: 'order',
      url: 'http://order-1:4001/graphql',
      urls: ['http://order-1:4001/graphql', 'http://order-2:4001/graphql'],
    });
    expect(endpoints.find((e) => e.name === 'inventory')).toEqual({
      name: 'inventory',
      url: 'http://127.0.0.1:4002/graphql',
      urls: ['http://127.0.0.1:4002/graphql'],
    });
  });

  it('refuses an empty list and a duplicate replica', () => {
    expect(() => subgraphEndpoints(supergraphSdl, { order: [] })).toThrowError(/order lists no URL/);
    expect(() => subgraphEndpoints(supergraphSdl, { order: ['http://a/graphql', 'http://a/graphql'] })).toThrowError(/order lists a URL twice/);
  });
});
