import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssertionSigner, generateAssertionKeyPair } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp, type GatewayApp } from '../src/app.ts';
import { createTokenVerifier } from '../src/auth/verify-token.ts';
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from '../src/limits/operation-limits.ts';
import { composeSupergraph } from '../src/supergraph/compose.ts';
import { startTinySubgraph, type TinySubgraph } from './support/tiny-subgraph.ts';

// The operation limits through a real gateway: the bombs of issue 9 are refused before any
// planning or subgraph fetch, in milliseconds, without the gateway's memory growing. The same
// bombs against a gateway whose limits are out of reach give the "before" figures.

const SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query { orders(first: Int = 20): OrderConnection!, ab: Int }
type OrderConnection { edges: [OrderEdge!]! }
type OrderEdge { node: Order! }
type Order @key(fields: "id") { id: ID!, status: String!, total: Int! }`;

const OFF: OperationLimits = Object.fromEntries(Object.keys(DEFAULT_OPERATION_LIMITS).map((key) => [key, 1e8])) as unknown as OperationLimits;

let subgraph: TinySubgraph;
const gateways: GatewayApp[] = [];
let limitedUrl: string;
let unlimitedUrl: string;
let introspectiveUrl: string;

async function startGateway(supergraphSdl: string, extra: { limits?: OperationLimits; introspection?: boolean }): Promise<string> {
  const keys = await generateAssertionKeyPair();
  const gateway = createGatewayApp({
    config: { host: '127.0.0.1', port: 0, subgraphUrlOverrides: {}, readyTimeoutMs: 1000, shutdownGraceMs: 2000, ...extra },
    logger: createLogger('limits-test', 'silent'),
    supergraphSdl,
    verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: new TextEncoder().encode('s'.repeat(32)) }, issuer: 'tributary', audience: 'tributary' }),
    signer: await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }),
  });
  gateways.push(gateway);
  return gateway.start();
}

beforeAll(async () => {
  subgraph = await startTinySubgraph(SDL, {
    Query: {
      orders: () => ({ edges: [{ node: { id: 'o-1', status: 'PENDING', total: 100 } }] }),
      ab: () => 1,
    },
  });
  const { supergraphSdl } = composeSupergraph([{ name: 'orders', url: subgraph.url, sdl: subgraph.sdl }]);
  limitedUrl = await startGateway(supergraphSdl, {});
  unlimitedUrl = await startGateway(supergraphSdl, { limits: OFF });
  introspectiveUrl = await startGateway(supergraphSdl, { introspection: true });
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop().catch(() => undefined);
  await subgraph?.stop().catch(() => undefined);
});

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const MB = 1024 * 1024;

/** Time and memory of one request, in this process (the gateway and the subgraph run here). */
async function measure(label: string, url: string, query: string) {
  const before = process.memoryUsage();
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const started = performance.now();
  const answer = await post(url, query);
  const ms = performance.now() - started;
  const after = process.memoryUsage();
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  const figures = {
    label,
    ms: Math.round(ms),
    status: answer.status,
    code: answer.body.errors?.[0]?.extensions?.['code'] ?? 'none',
    limit: answer.body.errors?.[0]?.extensions?.['limit'],
    heapUsedDeltaMB: +((after.heapUsed - before.heapUsed) / MB).toFixed(1),
    rssDeltaMB: +((after.rss - before.rss) / MB).toFixed(1),
    peakRssGrowthMB: +((peakAfter - peakBefore) / MB).toFixed(1),
    rssAfterMB: Math.round(after.rss / MB),
  };
  console.log(`[operation limits] ${JSON.stringify(figures)}`);
  return { answer, ...figures };
}

const NODE = '{ edges { node { id status total } } }';
const aliasBomb = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i + 1}: orders(first: 100) ${NODE}`).join(' ')} }`;
// 330,000 fields of 2 letters: 967 KiB, under the gateway's 1 MiB body limit.
const fieldFlood = `{ ${'ab '.repeat(330_000)}}`;

describe('operation limits in the gateway', () => {
  it('the bombs are the size issue 9 describes', () => {
    expect(Math.round(Buffer.byteLength(aliasBomb) / 1000)).toBeGreaterThanOrEqual(600);
    expect(Math.round(Buffer.byteLength(fieldFlood) / 1024)).toBe(967);
  });

  it('refuse the alias bomb and the 330k-field query in milliseconds, with flat memory and no subgraph call', async () => {
    await post(limitedUrl, '{ ab }'); // warm up the code paths
    const fetchesBefore = subgraph.received.length;
    for (const [label, query] of [['alias bomb', aliasBomb], ['330k fields', fieldFlood]] as const) {
      const result = await measure(`limited: ${label}`, limitedUrl, query);
      expect(result.status).toBe(400);
      expect(result.answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'size', max: 65_536 });
      expect(result.ms).toBeLessThan(250);
      expect(result.heapUsedDeltaMB).toBeLessThan(30);
      expect(result.peakRssGrowthMB).toBeLessThan(30);
    }
    expect(subgraph.received.length).toBe(fetchesBefore);
  });

  it('for comparison, the same bombs with the limits out of reach (the behaviour before)', async () => {
    for (const [label, query] of [['330k fields', fieldFlood], ['alias bomb', aliasBomb]] as const) {
      const result = await measure(`unlimited: ${label}`, unlimitedUrl, query);
      expect(result.ms).toBeGreaterThan(0);
    }
  }, 300_000);

  it('refuse what passes the size and token checks but is too deep, too aliased or too costly, naming the limit', async () => {
    const fetchesBefore = subgraph.received.length;
    const aliased = await post(limitedUrl, `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: ab`).join(' ')} }`);
    expect(aliased.status).toBe(400);
    expect(aliased.body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'rootFields', max: 10 });
    const costly = await post(limitedUrl, `query($n: Int) { orders(first: $n) ${NODE} }`, { n: 2_000 });
    expect(costly.body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'cost', max: 5_000, actual: 1 + 2_000 * 5 });
    expect(subgraph.received.length).toBe(fetchesBefore);
    const fine = await post(limitedUrl, `query($n: Int) { orders(first: $n) ${NODE} }`, { n: 100 });
    expect(fine.body.errors).toBeUndefined();
  });

  it('answers introspection only when configured to (off unless INTROSPECTION or development)', async () => {
    const query = '{ __schema { queryType { name } } }';
    const off = await post(limitedUrl, query);
    expect(off.status).toBe(400);
    expect(off.body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    expect(JSON.stringify(off.body)).not.toMatch(/\/work\/|node_modules|at .*\.(ts|js):\d+/);
    const on = await post(introspectiveUrl, query);
    expect(on.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    // __typename is not introspection: clients' caches need it.
    expect((await post(limitedUrl, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('serves the playground page only with introspection on, and hides "did you mean" hints with it off', async () => {
    const page = (url: string) => fetch(url, { headers: { accept: 'text/html' } });
    const on = await page(introspectiveUrl);
    expect(on.headers.get('content-type')).toMatch(/text\/html/);
    const off = await page(limitedUrl);
    expect(off.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    const typo = await post(limitedUrl, '{ orderz }');
    expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});
