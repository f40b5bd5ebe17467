// A small shop split over two subgraphs, shaped for the executor's own behaviour rather than for
// Apollo conformance: `catalog` answers root fields holding users and products, `reviews` extends
// both entities, so one query's plan has a Parallel node with two entity fetches to `reviews`
// (merged into one request); `reviews(first:)` takes an argument (planned under an alias, and a
// client variable both merged parts use). Some data is broken on purpose:
// - the `shelf` holds p3 and p4 twice each (one representation for two places), and p3's reviews fail;
// - `echo(text: "fail")` fails in `catalog` (an error at a field with arguments);
// - user u-broken makes `reviews`' __resolveReference throw synchronously, which fails the whole
//   `_entities` field (non-null) and so nulls the whole answer of a request that asks it.
import type { InProcessSubgraphSpec } from './in-process-federation.ts';

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])`;

interface User {
  id: string;
  name: string;
}
interface Product {
  upc: string;
  name: string;
}

const USERS = new Map<string, User>(['u1', 'u2', 'u-broken'].map((id) => [id, { id, name: `name of ${id}` }]));
const PRODUCTS = new Map<string, Product>(['p1', 'p2', 'p3', 'p4'].map((upc) => [upc, { upc, name: `name of ${upc}` }]));
const product = (upc: string) => PRODUCTS.get(upc)!;

export const BROKEN_USER = 'u-broken';
export const ECHO_FAILED = 'echo was asked to fail';
export const REVIEWS_UNAVAILABLE = 'reviews of p3 are unavailable';

export const catalog: InProcessSubgraphSpec = {
  name: 'catalog',
  sdl: `${LINK}
type Query {
  me: User
  user(id: ID!): User
  topProducts(first: Int = 2): [Product]
  shelf: [Product]
  echo(text: String!): String
}
type Mutation {
  renameProduct(upc: ID!, name: String!): Product
}
type User @key(fields: "id") {
  id: ID!
  name: String
}
type Product @key(fields: "upc") {
  upc: ID!
  name: String
}`,
  resolvers: {
    Query: {
      me: () => USERS.get('u1'),
      user: (_: unknown, { id }: { id: string }) => USERS.get(id) ?? null,
      topProducts: (_: unknown, { first }: { first: number }) => [...PRODUCTS.values()].slice(0, first),
      shelf: () => ['p3', 'p4', 'p3', 'p4'].map(product),
      echo: (_: unknown, { text }: { text: string }) => {
        if (text === 'fail') throw new Error(ECHO_FAILED);
        return text;
      },
    },
    Mutation: {
      renameProduct: (_: unknown, { upc, name }: { upc: string; name: string }) => ({ ...product(upc), name }),
    },
    User: { __resolveReference: (ref: { id: string }) => USERS.get(ref.id) ?? null },
    Product: { __resolveReference: (ref: { upc: string }) => PRODUCTS.get(ref.upc) ?? null },
  },
};

export const reviews: InProcessSubgraphSpec = {
  name: 'reviews',
  sdl: `${LINK}
type Mutation {
  addReview(upc: ID!, body: String!): Review
}
type User @key(fields: "id") {
  id: ID!
  reviews(first: Int): [Review]
}
type Product @key(fields: "upc") {
  upc: ID!
  reviews(first: Int): [Review]
}
type Review {
  body: String
}`,
  resolvers: {
    Mutation: {
      addReview: (_: unknown, { upc, body }: { upc: string; body: string }) => ({ body: `${upc}: ${body}` }),
    },
    User: {
      __resolveReference: (ref: { id: string }) => {
        // Thrown synchronously, @apollo/subgraph's _entities resolver fails as a whole.
        if (ref.id === BROKEN_USER) throw new Error(`user ${BROKEN_USER} cannot be resolved`);
        return ref;
      },
      reviews: (user: { id: string }, { first }: { first?: number | null }) => [{ body: `review by ${user.id}` }].slice(0, first ?? undefined),
    },
    Product: {
      reviews: (p: { upc: string }, { first }: { first?: number | null }) => {
        if (p.upc === 'p3') throw new Error(REVIEWS_UNAVAILABLE);
        return [{ body: `review of ${p.upc}` }].slice(0, first ?? undefined);
      },
    },
  },
};

export const SHOP = [catalog, reviews];
