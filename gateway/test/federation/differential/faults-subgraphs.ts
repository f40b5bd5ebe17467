// A small shop whose subgraphs fail on purpose, for the differential corpus: a field that throws
// (with and without an error code), a non-null field that answers null, an entity whose fetch
// fails alone or answers null, an entity whose fetch fails the whole `_entities` list, and a
// reviews subgraph the corpus also runs with nothing listening.
// Which product fails how is fixed by its upc, so every answer is deterministic.
import { GraphQLError } from 'graphql';
import type { Representation, Scenario } from '../support/scenario.ts';

const PRODUCTS = [
  { upc: 'p1', name: 'Kettle', price: 30 },
  { upc: 'p2', name: 'Toaster', price: 45 },
  { upc: 'p3', name: 'Blender', price: 80 },
  { upc: 'p4', name: 'Mixer', price: 120 },
];
/** The stock subgraph's entity fetch fails for this product alone (an error at `_entities.<i>`)... */
export const STOCK_THROWS_FOR = 'p3';
/** ...and answers null for this one (it does not carry it). */
export const STOCK_MISSING = 'p4';
/**
 * The promotions subgraph throws synchronously for this product, which @apollo/subgraph turns into
 * `_entities: null` and one error at `_entities`: every entity of that request is lost.
 */
export const PROMOTIONS_FAIL_BATCH_WITH = 'p3';
/** The catalog answers null for this product's non-null `label`. */
export const LABEL_MISSING = 'p2';
const REVIEWS = [
  { id: 'r1', upc: 'p1', rating: 5, body: 'boils fast' },
  { id: 'r2', upc: 'p1', rating: 4, body: 'loud' },
  { id: 'r3', upc: 'p2', rating: 2, body: 'burns bread' },
];

const LINK = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])`;
const product = (upc: unknown) => PRODUCTS.find((p) => p.upc === upc);

export const faults: Scenario = {
  name: 'faults',
  subgraphs: [
    {
      name: 'catalog',
      sdl: `${LINK('"@key"')}
type Query {
  products: [Product!]!
  product(upc: ID!): Product
  productsOrNull: [Product]
  brokenRoot: String
  forbiddenRoot: String
  listings: [Listing!]!
}
interface Listing {
  upc: ID!
  title: String
}
type Product implements Listing @key(fields: "upc") {
  upc: ID!
  title: String
  name: String!
  price: Int
  "Throws for every product: a field error inside a subgraph."
  supplier: String
  "Null for one product, in a non-null position."
  label: String!
}
type Bundle implements Listing {
  upc: ID!
  title: String
  items: [Product!]!
}`,
      resolvers: {
        Query: {
          products: () => PRODUCTS,
          product: (_: unknown, args: { upc: string }) => product(args.upc) ?? null,
          productsOrNull: () => PRODUCTS,
          brokenRoot: () => {
            throw new Error('the catalog index is rebuilding');
          },
          forbiddenRoot: () => {
            throw new GraphQLError('not for this caller', { extensions: { code: 'FORBIDDEN' } });
          },
          listings: () => [
            { __typename: 'Product', ...PRODUCTS[0]! },
            { __typename: 'Bundle', upc: 'b1', items: [PRODUCTS[1], PRODUCTS[2]] },
          ],
        },
        Listing: { __resolveType: (value: { __typename: string }) => value.__typename },
        Product: {
          __resolveReference: (ref: Representation) => product(ref['upc']) ?? null,
          title: (p: { name: string }) => p.name.toUpperCase(),
          supplier: () => {
            throw new Error('supplier registry unavailable');
          },
          label: (p: { upc: string; name: string }) => (p.upc === LABEL_MISSING ? null : `${p.name} (${p.upc})`),
        },
        Bundle: { title: (b: { upc: string }) => `bundle ${b.upc}` },
      },
    },
    {
      name: 'stock',
      sdl: `${LINK('"@key"')}
type Product @key(fields: "upc") {
  upc: ID!
  inStock: Int
  warehouse: Warehouse!
}
type Warehouse {
  code: String!
  city: String
}`,
      resolvers: {
        Product: {
          // Async: a rejection fails this entity only, the others of the list still resolve.
          __resolveReference: async (ref: Representation) => {
            if (ref['upc'] === STOCK_THROWS_FOR) throw new GraphQLError('stock ledger locked', { extensions: { code: 'STOCK_LOCKED' } });
            if (ref['upc'] === STOCK_MISSING || !product(ref['upc'])) return null;
            return { upc: ref['upc'] };
          },
          inStock: (p: { upc: string }) => p.upc.charCodeAt(1) * 3,
          warehouse: (p: { upc: string }) => ({ code: `W-${p.upc}`, city: p.upc === 'p1' ? 'Lyon' : null }),
        },
      },
    },
    {
      name: 'reviews',
      sdl: `${LINK('"@key"')}
type Product @key(fields: "upc") {
  upc: ID!
  reviews: [Review!]!
  topReview: Review
}
type Review {
  id: ID!
  rating: Int!
  body: String
}
type Query {
  recentReviews: [Review]
}`,
      resolvers: {
        Query: { recentReviews: () => REVIEWS },
        Product: {
          __resolveReference: (ref: Representation) => ({ upc: ref['upc'] }),
          reviews: (p: { upc: string }) => REVIEWS.filter((r) => r.upc === p.upc),
          topReview: (p: { upc: string }) => REVIEWS.filter((r) => r.upc === p.upc).sort((a, b) => b.rating - a.rating)[0] ?? null,
        },
      },
    },
    {
      name: 'promotions',
      sdl: `${LINK('"@key"')}
type Product @key(fields: "upc") {
  upc: ID!
  discountPercent: Int
}`,
      resolvers: {
        Product: {
          __resolveReference: (ref: Representation) => {
            if (ref['upc'] === PROMOTIONS_FAIL_BATCH_WITH) throw new Error('promotion rules failed to load');
            return { upc: ref['upc'] };
          },
          discountPercent: (p: { upc: string }) => (p.upc === 'p1' ? 10 : 0),
        },
      },
    },
  ],
};
