import { randomUUID } from 'node:crypto';
import { request } from 'undici';

/**
 * Security regression probes: each replays one attack from the hardening issue against a running
 * stack and compares what it observes with what must happen. Used by the e2e suite (against a
 * stack it starts) and by `npm run test:security` (against a running one). Every probe is
 * bounded in count and time, and only ever talks to the URLs it is given.
 */
export interface ProbeTarget {
  graphqlUrl: string;
  token(customerId: string, role?: 'customer' | 'admin'): Promise<string>;
  /** Subgraph URLs for the direct-call probes; probes for absent ones are skipped. */
  subgraphUrls: Partial<Record<string, string>>;
  /** Whether the stack enforces rate limits (the gateway has REDIS_URL). */
  rateLimited: boolean;
}

export interface ProbeResult {
  probe: string;
  expected: string;
  observed: string;
  ok: boolean;
  ms: number;
}

interface Answer {
  status: number;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  headers: Record<string, string | string[] | undefined>;
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, headersTimeout: 20_000, bodyTimeout: 20_000 });
  const text = await response.body.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = JSON.parse(text) as Answer['body'];
  } catch {
    // Not JSON: the probe reports the status.
  }
  return { status: response.statusCode, text, body: parsed, headers: response.headers };
}

const codeOf = (answer: Answer) => String(answer.body.errors?.[0]?.extensions?.code ?? `HTTP ${answer.status}`);
const gql = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });

type Probe = (target: ProbeTarget) => Promise<{ expected: string; observed: string; ok: boolean } | null>;

const PROBES: Record<string, Probe> = {
  async 'alias bomb: 10,000 aliased orders(first: 100)'(target) {
    const fields = Array.from({ length: 10_000 }, (_, i) => `a${i}: orders(first: 100) { edges { node { id } } }`).join(' ');
    const answer = await post(target.graphqlUrl, gql(`{ ${fields} }`), { authorization: `Bearer ${await target.token('probe-alias')}` });
    return { expected: 'OPERATION_LIMIT', observed: codeOf(answer), ok: codeOf(answer) === 'OPERATION_LIMIT' };
  },
  async 'field flood: ~1 MB query of 330k fields'(target) {
    const answer = await post(target.graphqlUrl, gql(`{ ${'__typename '.repeat(90_000)} }`));
    const observed = codeOf(answer);
    return { expected: 'OPERATION_LIMIT or HTTP 413', observed, ok: observed === 'OPERATION_LIMIT' || answer.status === 413 };
  },
  async 'depth bomb: 35 levels of introspection nesting'(target) {
    // The schema itself has no cycles deeper than a few levels; introspection's __Type does.
    const deep = `{ __schema { types { fields { type { ${'ofType { '.repeat(30)} name ${'} '.repeat(30)} } } } } }`;
    const answer = await post(target.graphqlUrl, gql(deep));
    const observed = codeOf(answer);
    const refused = observed === 'OPERATION_LIMIT' || observed === 'GRAPHQL_VALIDATION_FAILED';
    return { expected: 'refused before planning', observed, ok: refused && answer.status === 400 };
  },
  async 'oversized body (2 MiB) then the next request on a fresh connection'(target) {
    const big = await post(target.graphqlUrl, JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(2 * 1024 * 1024) })).catch((error: Error) => ({ status: 0, text: error.message }) as Answer);
    const after = await post(target.graphqlUrl, gql('{ __typename }'));
    const ok = (big.status === 413 || big.status === 0) && after.status === 200;
    return { expected: '413, then 200', observed: `${big.status || 'closed'}, then ${after.status}`, ok };
  },
  async 'forged JWT'(target) {
    const token = await target.token('mallory', 'admin');
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.from('not the signature').toString('base64url')}`;
    const answer = await post(target.graphqlUrl, gql('{ orders { edges { node { id } } } }'), { authorization: `Bearer ${forged}` });
    return { expected: 'UNAUTHENTICATED (401)', observed: `${codeOf(answer)} (${answer.status})`, ok: answer.status === 401 && codeOf(answer) === 'UNAUTHENTICATED' };
  },
  async 'lone-surrogate idempotency key'(target) {
    const answer = await post(target.graphqlUrl, gql('mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', { input: { items: [{ sku: 'SKU-1', quantity: 1 }], idempotencyKey: '\ud800x' } }), { authorization: `Bearer ${await target.token('probe-unicode')}` });
    return { expected: 'BAD_USER_INPUT', observed: codeOf(answer), ok: codeOf(answer) === 'BAD_USER_INPUT' };
  },
  async "another customer's order: read and cancel answer alike"(target) {
    const owner = await target.token(`probe-owner-${randomUUID().slice(0, 6)}`);
    const placed = await post(target.graphqlUrl, gql('mutation { placeOrder(input: { items: [{ sku: "SKU-1", quantity: 1 }] }) { id } }'), { authorization: `Bearer ${owner}` });
    const id = (placed.body.data?.placeOrder as { id?: string } | undefined)?.id;
    if (!id) return { expected: 'an order to probe', observed: codeOf(placed), ok: false };
    const other = `Bearer ${await target.token('probe-stranger')}`;
    const read = await post(target.graphqlUrl, gql('query($id: ID!) { order(id: $id) { id } }', { id }), { authorization: other });
    const cancel = await post(target.graphqlUrl, gql('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id }), { authorization: other });
    const missing = await post(target.graphqlUrl, gql('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id: randomUUID() }), { authorization: other });
    const observed = `read ${read.body.data?.order === null ? 'null' : 'visible'}, cancel ${codeOf(cancel)}, unknown id ${codeOf(missing)}`;
    return { expected: 'read null, cancel NOT_FOUND, unknown id NOT_FOUND', observed, ok: observed === 'read null, cancel NOT_FOUND, unknown id NOT_FOUND' };
  },
  async 'no stack traces or file paths in error answers'(target) {
    const answers = await Promise.all([
      post(target.graphqlUrl, gql('{ nope }')),
      post(target.graphqlUrl, 'not json'),
      post(target.graphqlUrl, gql('mutation { placeOrder(input: { items: [] }) { id } }'), { authorization: `Bearer ${await target.token('probe-errors')}` }),
    ]);
    const leaks = answers.filter((answer) => /stacktrace|\/src\/|node_modules|\bat \w+ \(/.test(answer.text));
    return { expected: 'no stack, no path', observed: leaks.length ? `${leaks.length} answers leak` : 'none leak', ok: leaks.length === 0 };
  },
  async 'direct subgraph call with a forged actor header'(target) {
    const url = target.subgraphUrls.order;
    if (!url) return null;
    const answer = await post(url, gql('{ orders(first: 100) { edges { node { id customerId } } } }'), { 'x-tributary-actor': JSON.stringify({ customerId: 'x', role: 'admin' }) });
    return { expected: 'HTTP 401', observed: `HTTP ${answer.status}`, ok: answer.status === 401 };
  },
  async 'flood past the rate limit while another customer is served'(target) {
    if (!target.rateLimited) return null;
    const flooder = `Bearer ${await target.token(`probe-flood-${randomUUID().slice(0, 6)}`)}`;
    const answers = await Promise.all(Array.from({ length: 150 }, () => post(target.graphqlUrl, gql('{ __typename }'), { authorization: flooder })));
    const limited = answers.filter((answer) => codeOf(answer) === 'RATE_LIMITED' && answer.headers['retry-after'] !== undefined).length;
    const bystander = await post(target.graphqlUrl, gql('{ __typename }'), { authorization: `Bearer ${await target.token('probe-bystander')}` });
    return { expected: 'some RATE_LIMITED with Retry-After; bystander 200', observed: `${limited}/150 limited; bystander ${bystander.status}`, ok: limited > 0 && bystander.status === 200 };
  },
};

/** Runs every probe in turn (they are cheap for a healthy stack, and concurrent floods would blur the rate-limit probe). */
export async function runProbes(target: ProbeTarget): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const [probe, run] of Object.entries(PROBES)) {
    const started = performance.now();
    try {
      const outcome = await run(target);
      if (outcome) results.push({ probe, ...outcome, ms: performance.now() - started });
    } catch (error) {
      results.push({ probe, expected: 'an answer', observed: `threw: ${(error as Error).message}`, ok: false, ms: performance.now() - started });
    }
  }
  return results;
}

export function renderProbeTable(results: ProbeResult[]): string {
  const header = ['', 'probe', 'expected', 'observed', 'ms'];
  const rows = results.map((r) => [r.ok ? 'ok' : 'FAIL', r.probe, r.expected, r.observed, r.ms.toFixed(0)]);
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
