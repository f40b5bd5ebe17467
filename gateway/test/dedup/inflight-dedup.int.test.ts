import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, graphql, startDedupFixture, until, type Answer, type DedupFixture } from './dedup-fixture.ts';

let fixture: DedupFixture;

beforeAll(async () => {
  fixture = await startDedupFixture();
});

afterAll(async () => {
  await fixture?.stop();
});

/**
 * Sends `requests` together while the subgraph's resolvers are held, waits until every one of them
 * has either reached the subgraph or joined a flight, then lets the subgraph answer.
 */
async function together(requests: (() => Promise<Answer>)[]): Promise<{ answers: Answer[]; calls: number; deduplicated: number }> {
  const calls0 = fixture.calls();
  const dedup0 = await fixture.deduplicated();
  fixture.gate.close();
  const pending = requests.map((send) => send());
  try {
    await until(async () => fixture.calls() - calls0 + (await fixture.deduplicated()) - dedup0 >= requests.length, `${requests.length} requests in flight`);
  } finally {
    fixture.gate.open();
  }
  const answers = await Promise.all(pending);
  return { answers, calls: fixture.calls() - calls0, deduplicated: (await fixture.deduplicated()) - dedup0 };
}

const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

describe('sharing identical in-flight subgraph queries', () => {
  it('sends 20 concurrent identical queries of one caller once and answers all 20', async () => {
    const authorization = await bearer('c-1');
    const query = 'query Who { whoami product(id: "p-1") { id name } }';
    const { answers, calls, deduplicated } = await together(times(20, () => () => graphql(fixture.graphqlUrl, query, { authorization })));
    expect(calls).toBe(1);
    expect(deduplicated).toBe(19);
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(JSON.parse(String(answer.data?.['whoami']))).toEqual({ customerId: 'c-1', role: 'customer' });
      expect(answer.data?.['product']).toEqual({ id: 'p-1', name: 'product p-1' });
    }
    // The one request carried a valid single-use assertion.
    expect(fixture.subgraph.received.at(-1)?.untrusted).toBeUndefined();
  });

  it('sends once per caller: two customers, a different role and an anonymous caller', async () => {
    const callers = [await bearer('c-1'), await bearer('c-2'), await bearer('c-1', 'admin'), undefined];
    const { answers, calls, deduplicated } = await together(
      callers.flatMap((authorization) => times(3, () => () => graphql(fixture.graphqlUrl, '{ whoami }', authorization ? { authorization } : {}))),
    );
    expect(calls).toBe(4);
    expect(deduplicated).toBe(8);
    const whoami = answers.map((answer) => (answer.data?.['whoami'] ? JSON.parse(String(answer.data['whoami'])) : null));
    expect(whoami).toEqual([
      ...times(3, () => ({ customerId: 'c-1', role: 'customer' })),
      ...times(3, () => ({ customerId: 'c-2', role: 'customer' })),
      ...times(3, () => ({ customerId: 'c-1', role: 'admin' })),
      ...times(3, () => null),
    ]);
  });

  it('sends different variables separately', async () => {
    const query = 'query Product($id: ID!) { product(id: $id) { id name } }';
    const ids = ['a', 'b', 'a', 'b', 'a', 'b'];
    const { answers, calls, deduplicated } = await together(ids.map((id) => () => graphql(fixture.graphqlUrl, query, { variables: { id } })));
    expect(calls).toBe(2);
    expect(deduplicated).toBe(4);
    expect(answers.map((answer) => answer.data?.['product'])).toEqual(ids.map((id) => ({ id, name: `product ${id}` })));
  });

  it('never shares a mutation: 10 concurrent identical mutations are 10 calls', async () => {
    const authorization = await bearer('c-1');
    const { answers, calls, deduplicated } = await together(times(10, () => () => graphql(fixture.graphqlUrl, 'mutation { bump }', { authorization })));
    expect(calls).toBe(10);
    expect(deduplicated).toBe(0);
    const bumps = answers.map((answer) => answer.data?.['bump'] as number).sort((a, b) => a - b);
    expect(new Set(bumps).size).toBe(10);
  });

  it('hands a subgraph error, with its path and code, to every waiter', async () => {
    const { answers, calls, deduplicated } = await together(times(5, () => () => graphql(fixture.graphqlUrl, '{ broken }')));
    expect(calls).toBe(1);
    expect(deduplicated).toBe(4);
    for (const answer of answers) {
      expect(answer.data).toEqual({ broken: null });
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors?.[0]).toMatchObject({ message: 'out of stock', path: ['broken'], extensions: { code: 'OUT_OF_STOCK' } });
    }
  });

  it('caches nothing: sequential identical queries are one call each', async () => {
    const calls0 = fixture.calls();
    const dedup0 = await fixture.deduplicated();
    for (let i = 0; i < 3; i += 1) {
      const answer = await graphql(fixture.graphqlUrl, '{ product(id: "seq") { id } }');
      expect(answer.data).toEqual({ product: { id: 'seq' } });
    }
    expect(fixture.calls() - calls0).toBe(3);
    expect((await fixture.deduplicated()) - dedup0).toBe(0);
  });
});

describe('SUBGRAPH_REQUEST_DEDUP off', () => {
  let plain: DedupFixture;
  beforeAll(async () => {
    plain = await startDedupFixture({ dedup: false });
  });
  afterAll(async () => {
    await plain?.stop();
  });

  it('sends every concurrent identical query', async () => {
    const calls0 = plain.calls();
    plain.gate.close();
    const pending = times(5, () => graphql(plain.graphqlUrl, '{ product(id: "off") { id } }'));
    try {
      await until(() => plain.calls() - calls0 >= 5, '5 subgraph calls');
    } finally {
      plain.gate.open();
    }
    const answers = await Promise.all(pending);
    expect(answers.map((answer) => answer.data)).toEqual(times(5, () => ({ product: { id: 'off' } })));
    expect(plain.calls() - calls0).toBe(5);
  });
});
