import { buildSchema, executeSync, parse, type GraphQLFieldResolver, type GraphQLFormattedError, type GraphQLTypeResolver } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileResponseShape } from '../../src/executor/response-shape.ts';

const schema = buildSchema(`
  interface Node { id: ID! }
  interface Named { name: String }
  interface Priced { price: Float }
  type Product implements Node & Named & Priced {
    id: ID!
    name: String
    price: Float!
    tags: [String!]
    status: Status
    reviews: [Review!]!
  }
  type Review implements Node { id: ID! stars: Int! body: String author: User }
  type User implements Node & Named { id: ID! name: String email: String! }
  union SearchResult = Product | User
  enum Status { ACTIVE RETIRED }
  scalar JSON
  type Query {
    product(id: ID!): Product
    requiredProduct: Product!
    products: [Product]
    strictProducts: [Product!]!
    node(id: ID!): Node
    search(q: String): [SearchResult!]
    meta: JSON
    numbers: [[Int!]]
    count: Int
  }
  type Mutation { rename(id: ID!, name: String!): Product }
`);

type Input = Record<string, unknown> | null | undefined;

/** Shapes `input` for `query`; the JSON text is compared so that key order counts too. */
function shape(query: string, input: Input, variables: Record<string, unknown> = {}, errors: GraphQLFormattedError[] = []) {
  const data = compileResponseShape(schema, parse(query)).shape(input, variables, errors);
  return { data, json: JSON.stringify(data), errors };
}

describe('response shape: selection', () => {
  it('keeps only the client fields, in query order, under their aliases', () => {
    const input = {
      second: { __typename: 'Product', id: '2', name: 'Pen', price: 2 },
      first: { price: 1.5, id: '1', name: 'Cup', __typename: 'Product', status: 'ACTIVE' },
      extra: 'fetched for a key only',
    };
    const { json, errors } = shape('{ first: product(id: 1) { label: name id cost: price } second: product(id: 2) { id } }', {
      ...input,
      first: { ...input.first, label: 'Cup', cost: 1.5 },
    });
    expect(json).toBe('{"first":{"label":"Cup","id":"1","cost":1.5},"second":{"id":"2"}}');
    expect(errors).toEqual([]);
  });

  it('applies fragments on a union and an interface by __typename', () => {
    const query = `{ search(q: "x") { __typename ... on Product { name price } ... on User { email } ... on Named { name } ... on Node { id } } }`;
    const { json } = shape(query, {
      search: [
        { __typename: 'User', id: 'u1', name: 'Ada', email: 'ada@example.com' },
        { __typename: 'Product', id: 'p1', name: 'Cup', price: 3 },
      ],
    });
    expect(json).toBe('{"search":[{"__typename":"User","email":"ada@example.com","name":"Ada","id":"u1"},{"__typename":"Product","name":"Cup","price":3,"id":"p1"}]}');
  });

  it('merges the sub-selections of nested fragments and repeated fields', () => {
    const query = `
      query { product(id: 1) { reviews { id } ...More } }
      fragment More on Product { reviews { stars author { name } } ... on Product { reviews { author { id } } } }`;
    const { json } = shape(query, {
      product: { reviews: [{ id: 'r1', stars: 5, body: 'not asked', author: { id: 'u1', name: 'Ada', email: 'x' } }] },
    });
    expect(json).toBe('{"product":{"reviews":[{"id":"r1","stars":5,"author":{"name":"Ada","id":"u1"}}]}}');
  });

  it('answers __typename at the root, on an interface and on a union', () => {
    const query = `{ __typename kind: __typename node(id: 1) { __typename id } search { __typename } }`;
    const { json } = shape(query, { node: { __typename: 'Review', id: 'r1' }, search: [{ __typename: 'User' }] });
    expect(json).toBe('{"__typename":"Query","kind":"Query","node":{"__typename":"Review","id":"r1"},"search":[{"__typename":"User"}]}');
    expect(compileResponseShape(schema, parse('mutation { __typename }')).shape({}, {}, [])).toEqual({ __typename: 'Mutation' });
  });

  it('applies to an abstract object without __typename only the fragments on its supertypes', () => {
    const { json } = shape('{ node(id: 1) { ... on Node { id } ... on Product { name } } }', { node: { id: 'p1', name: 'Cup' } });
    expect(json).toBe('{"node":{"id":"p1"}}');
  });

  it('reads and writes response names that Object.prototype also has as plain own keys', () => {
    const { data, json } = shape('{ product(id: 1) { constructor: name __proto__: id } }', { product: JSON.parse('{"__proto__":"p1"}') });
    expect(json).toBe('{"product":{"constructor":null,"__proto__":"p1"}}');
    expect(Object.getPrototypeOf((data as { product: object }).product)).toBe(Object.prototype);
  });
});

describe('response shape: @skip and @include', () => {
  const input = { product: { id: 'p1', name: 'Cup', price: 2, status: 'ACTIVE' } };

  it('reads literal conditions', () => {
    const { json } = shape('{ product(id: 1) { id @skip(if: true) name @include(if: true) price @include(if: false) ... on Product @skip(if: false) { status } } }', input);
    expect(json).toBe('{"product":{"name":"Cup","status":"ACTIVE"}}');
  });

  it('reads variables and their defaults, one plan per combination', () => {
    const compiled = compileResponseShape(schema, parse(`
      query Q($withName: Boolean!, $hidePrice: Boolean = true) {
        product(id: 1) { id name @include(if: $withName) ...P }
      }
      fragment P on Product { price @skip(if: $hidePrice) }`), 'Q');
    const run = (variables: Record<string, unknown>) => JSON.stringify(compiled.shape(input, variables, []));
    expect(run({ withName: true })).toBe('{"product":{"id":"p1","name":"Cup"}}');
    expect(run({ withName: false, hidePrice: false })).toBe('{"product":{"id":"p1","price":2}}');
    expect(run({ withName: true })).toBe('{"product":{"id":"p1","name":"Cup"}}');
    expect(run({ withName: true, hidePrice: false })).toBe('{"product":{"id":"p1","name":"Cup","price":2}}');
  });
});

describe('response shape: nulls and errors', () => {
  const invalid = (message: string, path: (string | number)[]) => ({ message, path, extensions: { code: 'INVALID_GRAPHQL' } });

  it('treats a missing field as null and a missing non-null field as an error that nulls the nearest nullable parent', () => {
    const { json, errors } = shape('{ product(id: 1) { id name } count }', { product: { name: 'Cup' } });
    expect(json).toBe('{"product":null,"count":null}');
    expect(errors).toEqual([invalid('Cannot return null for non-nullable field Product.id.', ['product', 'id'])]);
  });

  it('nulls a nullable list element whose object lost a non-null field', () => {
    const { json, errors } = shape('{ products { id price } }', { products: [{ id: 'a', price: 1 }, { id: 'b' }, null] });
    expect(json).toBe('{"products":[{"id":"a","price":1},null,null]}');
    expect(errors).toEqual([invalid('Cannot return null for non-nullable field Product.price.', ['products', 1, 'price'])]);
  });

  it('propagates a null list element through non-null positions up to the root', () => {
    const { data, errors } = shape('{ count strictProducts { id } }', { count: 1, strictProducts: [{ id: 'a' }, null] });
    expect(data).toBeNull();
    expect(errors).toEqual([invalid('Cannot return null for non-nullable array element of type Product at index 1.', ['strictProducts', 1])]);
  });

  it('nulls the nearest nullable list when an inner non-null element is null', () => {
    const { json, errors } = shape('{ numbers }', { numbers: [[1, 2], [3, null]] });
    expect(json).toBe('{"numbers":[[1,2],null]}');
    expect(errors).toEqual([invalid('Cannot return null for non-nullable array element of type Int at index 1.', ['numbers', 1, 1])]);
  });

  it('adds no non-null error where a subgraph error already explains the null', () => {
    const subgraphError = { message: 'reviews service down', path: ['product', 'reviews', 0] };
    const { json, errors } = shape('{ product(id: 1) { id reviews { stars } } }', { product: { id: 'p1' } }, {}, [subgraphError]);
    expect(json).toBe('{"product":null}');
    expect(errors).toEqual([subgraphError]);
  });

  it('still reports a null that an error elsewhere does not explain', () => {
    const elsewhere = { message: 'other', path: ['count'] };
    const { data, errors } = shape('{ requiredProduct { id } }', {}, {}, [elsewhere]);
    expect(data).toBeNull();
    expect(errors).toEqual([elsewhere, invalid('Cannot return null for non-nullable field Query.requiredProduct.', ['requiredProduct'])]);
  });

  it('nulls invalid leaf values with an error, bubbling from a non-null position without a second error', () => {
    const { json, errors } = shape('{ product(id: 1) { status tags } products { price } }', {
      product: { status: 'GONE', tags: ['a', 7] },
      products: [{ price: 'cheap' }],
    });
    expect(json).toBe('{"product":{"status":null,"tags":null},"products":[null]}');
    expect(errors).toEqual([
      invalid('Invalid value found for field Product.status.', ['product', 'status']),
      invalid('Invalid value found for array element of type String at index 1.', ['product', 'tags', 1]),
      invalid('Invalid value found for field Product.price.', ['products', 0, 'price']),
    ]);
  });

  it('accepts anything in a custom scalar and integers as IDs', () => {
    const { json, errors } = shape('{ meta node(id: 1) { id } }', { meta: { any: ['thing'] }, node: { __typename: 'User', id: 7 } });
    expect(json).toBe('{"meta":{"any":["thing"]},"node":{"id":7}}');
    expect(errors).toEqual([]);
  });

  it('nulls an object whose __typename the API schema does not know, or that does not fit the field', () => {
    const { json, errors } = shape('{ node(id: 1) { id } search { ... on User { email } } }', {
      node: { __typename: 'SecretThing', id: 'x' },
      search: [{ __typename: 'Review', email: 'x' }],
    });
    expect(json).toBe('{"node":null,"search":null}');
    expect(errors).toEqual([
      invalid('Invalid __typename found for object at field Query.node.', ['node']),
      invalid('Invalid __typename found for object at array element of type SearchResult at index 0.', ['search', 0]),
    ]);
  });

  it('nulls an object whose __typename is asked but only an interface is known', () => {
    const { json, errors } = shape('{ node(id: 1) { __typename id } }', { node: { __typename: 'Node', id: 'x' } });
    expect(json).toBe('{"node":null}');
    expect(errors).toEqual([invalid('Invalid __typename found for object at field Query.node.', ['node'])]);
  });

  it('returns no data when every root fetch failed', () => {
    expect(shape('{ product(id: 1) { id } }', null).data).toBeNull();
  });
});

describe('response shape: introspection', () => {
  it('executes __type and __schema against the API schema, in place', () => {
    const query = `query I($name: String!) { count t: __type(name: $name) { name kind } __schema { queryType { name } } }`;
    const { json, errors } = shape(query, { count: 3 }, { name: 'Status' });
    expect(json).toBe('{"count":3,"t":{"name":"Status","kind":"ENUM"},"__schema":{"queryType":{"name":"Query"}}}');
    expect(errors).toEqual([]);
  });

  it('answers an introspection-only operation without any subgraph data', () => {
    const { json } = shape('{ __typename __type(name: "Status") { enumValues { name } } }', undefined);
    expect(json).toBe('{"__typename":"Query","__type":{"enumValues":[{"name":"ACTIVE"},{"name":"RETIRED"}]}}');
  });
});

describe('response shape: the same as graphql-js execution', () => {
  // A "subgraph" that answers with the input tree: every field reads its response name.
  const fieldResolver: GraphQLFieldResolver<Record<string, unknown>, unknown> = (source, _args, _context, info) => source[info.path.key as string];
  const typeResolver: GraphQLTypeResolver<Record<string, unknown>, unknown> = (value) => value['__typename'] as string;

  const product = (id: string, extra: Record<string, unknown> = {}) => ({ __typename: 'Product', id, name: `P${id}`, price: 1.5, tags: ['t'], status: 'ACTIVE', reviews: [], ...extra });
  const cases: { query: string; input: Record<string, unknown>; variables?: Record<string, unknown> }[] = [
    { query: '{ product(id: 1) { id name price tags status } count }', input: { product: product('1'), count: 4 } },
    { query: '{ a: product(id: 1) { n: name } b: product(id: 2) { n: id, name } }', input: { a: { n: 'x' }, b: { n: '2', name: null } } },
    { query: '{ products { id ... on Product { price } } }', input: { products: [product('1'), null, { id: '3' }, product('4')] } },
    { query: '{ strictProducts { id reviews { stars } } count }', input: { strictProducts: [product('1', { reviews: [{ stars: 1 }, { stars: null }] })], count: 1 } },
    { query: '{ requiredProduct { name } count }', input: { count: 2 } },
    { query: '{ node(id: 1) { __typename id ... on Product { name reviews { id } } ... on Named { name } } }', input: { node: product('9', { reviews: [{ id: 'r' }] }) } },
    { query: '{ search { __typename ... on User { email name } ... on Product { price } } }', input: { search: [{ __typename: 'User', email: 'e', name: null }, product('5')] } },
    { query: '{ search { ... on User { email } } }', input: { search: [{ __typename: 'User', email: null }] } },
    { query: '{ numbers meta }', input: { numbers: [[1], null, [2, 3]], meta: [1, 'two'] } },
    { query: 'query($on: Boolean!) { product(id: 1) { id @include(if: $on) ...F } } fragment F on Product { name @skip(if: $on) reviews { body author { name email } } }', input: { product: product('1', { reviews: [{ body: 'b', author: { name: 'n', email: null } }, { body: null, author: null }] }) }, variables: { on: false } },
    // Non-null errors name the field, not its alias; an interface's field takes the implementation's (stricter) type.
    { query: '{ p: product(id: 1) { identifier: id } }', input: { p: {} } },
    { query: '{ node(id: 1) { ... on Priced { cost: price } } }', input: { node: { __typename: 'Product', cost: null } } },
    { query: '{ __typename x: __type(name: "Named") { possibleTypes { name } } product(id: 1) { __typename } }', input: { product: product('1') } },
  ];

  it.each(cases.map((c, index) => [index, c] as const))('case %i', (_index, { query, input, variables = {} }) => {
    const document = parse(query);
    const expected = executeSync({ schema, document, rootValue: input, variableValues: variables, fieldResolver, typeResolver });
    const errors: GraphQLFormattedError[] = [];
    const data = compileResponseShape(schema, document).shape(input, variables, errors);

    expect(JSON.stringify(data)).toBe(JSON.stringify(expected.data));
    const expectedErrors = (expected.errors ?? []).map((error) => ({ message: error.message, path: error.path }));
    expect(errors.map((error) => error.path)).toEqual(expectedErrors.map((error) => error.path));
    errors.forEach((error, i) => {
      const index = error.path!.at(-1);
      // graphql-js names the list's field for a null element; Apollo (and this shaper) name the element.
      if (typeof index === 'number') expect(error.message).toMatch(new RegExp(`^Cannot return null for non-nullable array element of type \\w+ at index ${index}\\.$`));
      else expect(error.message).toBe(expectedErrors[i]!.message);
    });
  });

  it('has cases that produce errors and nulls, so the comparison means something', () => {
    const withErrors = cases.filter(({ query, input, variables }) => (executeSync({ schema, document: parse(query), rootValue: input, variableValues: variables ?? {}, fieldResolver, typeResolver }).errors ?? []).length > 0);
    expect(withErrors.length).toBeGreaterThanOrEqual(4);
  });
});
