import { buildSchema, getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkOperation, DEFAULT_OPERATION_LIMITS, type OperationLimits } from '../src/limits/operation-limits.ts';

const schema = buildSchema(`
  type Query { orders(first: Int = 20, after: String): OrderConnection!, order(id: ID!): Order, tags: [String!]! }
  type Mutation { cancelOrder(id: ID!): Order }
  type OrderConnection { edges: [OrderEdge!]! }
  type OrderEdge { node: Order! }
  type Order { id: ID!, status: String!, items: [Item!]!, parent: Order }
  type Item { sku: String!, quantity: Int! }
`);

const limits = DEFAULT_OPERATION_LIMITS;

function refusal(source: string, overrides: Partial<OperationLimits> = {}, variables?: Record<string, unknown>) {
  const error = checkOperation(schema, source, { ...limits, ...overrides }, variables);
  return error && { limit: error.extensions['limit'], code: error.extensions['code'], max: error.extensions['max'], actual: error.extensions['actual'] };
}

const many = (n: number, field: (i: number) => string) => Array.from({ length: n }, (_, i) => field(i)).join(' ');

describe('operation limits', () => {
  it('let ordinary operations through, introspection included', () => {
    expect(refusal('{ orders(first: 20) { edges { node { id status items { sku quantity } } } } }')).toBeUndefined();
    expect(refusal('mutation { cancelOrder(id: "o-1") { id status } }')).toBeUndefined();
    expect(refusal(getIntrospectionQuery())).toBeUndefined();
  });

  it('refuse a source over the byte limit, counting UTF-8 bytes', () => {
    expect(refusal(`{ tags } # ${'x'.repeat(70_000)}`)).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'size', max: 65_536 });
    // 30,000 characters of 3 bytes each: under the limit in characters, over it in bytes.
    expect(refusal(`{ tags } # ${'€'.repeat(30_000)}`)).toMatchObject({ limit: 'size', actual: 90_011 });
    expect(refusal(`{ tags } # ${'€'.repeat(20_000)}`)).toBeUndefined();
  });

  it('refuse more tokens than allowed, comments not counted', () => {
    expect(refusal(`{ ${many(5_000, () => 'tags')} }`)).toMatchObject({ limit: 'tokens', max: 5_000 });
    expect(refusal(`{ tags }\n${many(3_000, () => '# a comment\n')}`)).toBeUndefined();
  });

  it('refuse depth beyond the limit, through fragments', () => {
    const nested = (levels: number) => `{ order(id: "1") ${'{ parent '.repeat(levels - 2)}{ id }${' }'.repeat(levels - 2)} }`;
    expect(refusal(nested(12))).toBeUndefined();
    expect(refusal(nested(13))).toMatchObject({ limit: 'depth', max: 12, actual: 13 });
    const viaFragments = `{ order(id: "1") { ...A } } fragment A on Order { parent { ...B } } fragment B on Order { parent { parent { id } } }`;
    expect(refusal(viaFragments, { maxDepth: 4 })).toMatchObject({ limit: 'depth', actual: 5 });
  });

  it('refuse aliases beyond the limit, a fragment counting each time it is spread', () => {
    expect(refusal(`{ ${many(30, (i) => `a${i}: tags`)} }`, { maxRootFields: 100 })).toBeUndefined();
    expect(refusal(`{ ${many(31, (i) => `a${i}: tags`)} }`, { maxRootFields: 100 })).toMatchObject({ limit: 'aliases', max: 30, actual: 31 });
    const spread = `{ order(id: "1") { ${many(20, () => '...F')} } } fragment F on Order { a: id b: status }`;
    expect(refusal(spread)).toMatchObject({ limit: 'aliases', actual: 40 });
  });

  it('refuse more root fields than allowed', () => {
    expect(refusal(`{ ${many(11, () => 'tags')} }`)).toMatchObject({ limit: 'rootFields', max: 10, actual: 11 });
    expect(refusal(`{ ...R } fragment R on Query { ${many(11, () => 'tags')} }`)).toMatchObject({ limit: 'rootFields', actual: 11 });
  });

  it('refuse more directives than allowed', () => {
    expect(refusal(`{ tags ${many(51, () => '@include(if: true)')} }`)).toMatchObject({ limit: 'directives', max: 50, actual: 51 });
  });

  it('estimate cost with list fields multiplied by first (20 when absent)', () => {
    // 1 (orders) + 100 × (1 edges + 1 node + 1 id + items: 1 + 20 × 2) = 4,401
    expect(refusal('{ orders(first: 100) { edges { node { id items { sku quantity } } } } }')).toBeUndefined();
    const costly = '{ orders(first: 120) { edges { node { id items { sku quantity } } } } }';
    expect(refusal(costly)).toMatchObject({ limit: 'cost', max: 5_000, actual: 1 + 120 * 44 });
    // The schema's default page (20) when no first is given.
    expect(refusal('{ orders { edges { node { id items { sku quantity } } } } }', { maxCost: 800 })).toMatchObject({ actual: 1 + 20 * 44 });
  });

  it('take first from the variables, so a variable cannot hide the page size', () => {
    const query = 'query($n: Int) { orders(first: $n) { edges { node { id items { sku } } } } }';
    expect(refusal(query, {}, { n: 10 })).toBeUndefined();
    expect(refusal(query, {}, { n: 10_000 })).toMatchObject({ limit: 'cost' });
  });

  it('refuse the alias bomb of issue 9 on its size, and a trimmed one on its aliases or cost', () => {
    const node = '{ edges { node { id status items { sku quantity } } } }';
    const bomb = `{ ${many(10_000, (i) => `a${i}: orders(first: 100) ${node}`)} }`;
    expect(refusal(bomb)).toMatchObject({ limit: 'size' });
    expect(refusal(`{ ${many(25, (i) => `a${i}: orders(first: 100) ${node}`)} }`, { maxRootFields: 100 })).toMatchObject({ limit: 'cost' });
  });

  it('do not loop on a fragment cycle (the specified rules refuse it afterwards)', () => {
    expect(refusal('{ order(id: "1") { ...A } } fragment A on Order { parent { ...B } } fragment B on Order { parent { ...A } }')).toBeUndefined();
  });

  it('measure each fragment once: a chain that doubles at each step is cheap to check', () => {
    const chain = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Order { parent { ...F${i + 1} ...F${i + 1} } }`).join(' ');
    const started = performance.now();
    expect(refusal(`{ order(id: "1") { ...F0 } } ${chain} fragment F40 on Order { id }`)).toMatchObject({ limit: 'depth' });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('leave syntax errors to the parser', () => {
    expect(refusal('{ orders(first: ')).toBeUndefined();
  });
});
