// @provides and @requires across four subgraphs, after the audit's simple-requires-provides
// scenario: reviews @provides the author's username (no accounts fetch needed for it), inventory
// @requires price and weight from products for its shipping estimate.
import type { Representation, Scenario } from '../support/scenario.ts';

const USERS = [
  { id: 'u1', username: 'u-username-1', name: 'u-name-1' },
  { id: 'u2', username: 'u-username-2', name: 'u-name-2' },
];
const PRODUCTS = [
  { upc: 'p1', name: 'p-name-1', price: 11, weight: 1 },
  { upc: 'p2', name: 'p-name-2', price: 22, weight: 2 },
];
const IN_STOCK = new Set(['p1']);
const REVIEWS = [
  { id: 'r1', body: 'r-body-1', authorId: 'u1', productUpc: 'p1' },
  { id: 'r2', body: 'r-body-2', authorId: 'u1', productUpc: 'p2' },
];
const ME = USERS[0]!;
const LINK = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])`;
const estimate = (p: Representation) => (p['price'] as number) * (p['weight'] as number) * 10;

export const requiresProvides: Scenario = {
  name: 'requires-provides',
  subgraphs: [
    {
      name: 'accounts',
      sdl: `${LINK('"@key", "@shareable"')}
type Query {
  me: User
}
type User @key(fields: "id") {
  id: ID!
  name: String
  username: String @shareable
}`,
      resolvers: {
        Query: { me: () => ME },
        User: { __resolveReference: (ref: Representation) => USERS.find((u) => u.id === ref['id']) ?? null },
      },
    },
    {
      name: 'inventory',
      sdl: `${LINK('"@key", "@external", "@requires"')}
type Product @key(fields: "upc") {
  upc: String!
  weight: Int @external
  price: Int @external
  inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
  shippingEstimateTag: String @requires(fields: "price weight")
}`,
      resolvers: {
        Product: {
          // price and weight are only ever the ones the gateway sent in the representation.
          __resolveReference: (ref: Representation) => (PRODUCTS.some((p) => p.upc === ref['upc']) ? ref : null),
          inStock: (p: Representation) => IN_STOCK.has(String(p['upc'])),
          shippingEstimate: estimate,
          shippingEstimateTag: (p: Representation) => `#${String(p['upc'])}#${estimate(p)}#`,
        },
      },
    },
    {
      name: 'products',
      sdl: `${LINK('"@key"')}
type Query {
  products: [Product]
}
type Product @key(fields: "upc") {
  upc: String!
  name: String
  price: Int
  weight: Int
}`,
      resolvers: {
        Query: { products: () => PRODUCTS },
        Product: { __resolveReference: (ref: Representation) => PRODUCTS.find((p) => p.upc === ref['upc']) ?? null },
      },
    },
    {
      name: 'reviews',
      sdl: `${LINK('"@key", "@external", "@provides"')}
type Review @key(fields: "id") {
  id: ID!
  body: String
  author: User @provides(fields: "username")
  product: Product
}
type User @key(fields: "id") {
  id: ID!
  username: String @external
  reviews: [Review]
}
type Product @key(fields: "upc") {
  upc: String!
  reviews: [Review]
}`,
      resolvers: {
        Review: {
          __resolveReference: (ref: Representation) => REVIEWS.find((r) => r.id === ref['id']) ?? null,
          // The provided username travels with the author: no accounts fetch needed for it.
          author: (review: { authorId: string }) => {
            const user = USERS.find((u) => u.id === review.authorId);
            return user ? { id: user.id, username: user.username } : null;
          },
          product: (review: { productUpc: string }) => ({ upc: review.productUpc }),
        },
        User: {
          __resolveReference: (ref: Representation) => (USERS.some((u) => u.id === ref['id']) ? { id: ref['id'] } : null),
          reviews: (user: { id: string }) => REVIEWS.filter((r) => r.authorId === user.id),
        },
        Product: {
          __resolveReference: (ref: Representation) => ({ upc: ref['upc'] }),
          reviews: (product: { upc: string }) => REVIEWS.filter((r) => r.productUpc === product.upc),
        },
      },
    },
  ],
};
