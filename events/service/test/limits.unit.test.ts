import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUBGRAPH_LIMITS, subgraphLimitsRule } from '../limits.ts';

const schema = buildSchema(`
  type Query { orders(first: Int): OrderConnection!, order(id: ID!): Order, _entities(representations: [String!]!): [Order]! }
  type OrderConnection { edges: [OrderEdge!]! }
  type OrderEdge { node: Order! }
  type Order { id: ID!, items: [Item!]!, parent: Order }
  type Item { sku: String! }
`);

function errors(query: string, limits = DEFAULT_SUBGRAPH_LIMITS) {
  return validate(schema, parse(query), [...specifiedRules, subgraphLimitsRule(limits)]).map((e) => ({ message: e.message, ...e.extensions }));
}

describe('the kit’s operation limits (defence in depth behind the gateway)', () => {
  it('let through what the gateway lets through, entity fetches included', () => {
    expect(errors('{ orders(first: 100) { edges { node { id items { sku } } } } }')).toEqual([]);
    expect(errors('query($r: [String!]!) { _entities(representations: $r) { ... on Order { id items { sku } } } }')).toEqual([]);
  });

  it('refuse depth beyond the limit', () => {
    const nested = (levels: number) => `{ order(id: "1") ${'{ parent '.repeat(levels - 2)}{ id }${' }'.repeat(levels - 2)} }`;
    expect(errors(nested(16))).toEqual([]);
    expect(errors(nested(17))).toEqual([expect.objectContaining({ limit: 'depth', max: 16 })]);
  });

  it('refuse cost beyond the limit; a variable page size counts as the largest page', () => {
    const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: orders(first: 100) { edges { node { id items { sku } } } }`).join(' ');
    expect(errors(`{ ${aliases} }`)).toEqual([expect.objectContaining({ limit: 'cost', max: 20_000 })]);
    const query = 'query($n: Int) { orders(first: $n) { edges { node { id items { sku } } } } }';
    expect(errors(query, { ...DEFAULT_SUBGRAPH_LIMITS, maxCost: 2_000 })).toEqual([expect.objectContaining({ limit: 'cost' })]);
  });

  it('measure fragments once and survive cycles', () => {
    const chain = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Order { parent { ...F${i + 1} ...F${i + 1} } }`).join(' ');
    const started = performance.now();
    expect(errors(`{ order(id: "1") { ...F0 } } ${chain} fragment F40 on Order { id }`, { ...DEFAULT_SUBGRAPH_LIMITS, maxDepth: 100, maxCost: Infinity })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
    const cyclic = errors('{ order(id: "1") { ...A } } fragment A on Order { parent { ...A } }');
    expect(cyclic.some((e) => /cannot spread fragment "A" within itself/i.test(e.message))).toBe(true);
  });
});
