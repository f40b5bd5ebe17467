// The four subgraphs of the benchmark's federation scenario (graphql-hive/graphql-gateways-benchmark),
// written as Federation 2 SDL with resolvers over the static data in data.ts.
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import {
  AUTHOR_ID,
  IN_STOCK,
  productByUpc,
  REVIEWS,
  REVIEWS_OF_EVERY_USER,
  reviewsOfProduct,
  shippingEstimate,
  TOP_PRODUCTS_DEFAULT,
  USERS,
  PRODUCTS,
  type Review,
} from './data.ts';

export type BenchSubgraphName = 'accounts' | 'inventory' | 'products' | 'reviews';
export const BENCH_SUBGRAPHS: BenchSubgraphName[] = ['accounts', 'inventory', 'products', 'reviews'];

const LINK = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])`;

export const SUBGRAPH_SDL: Record<BenchSubgraphName, string> = {
  // username is @shareable: the reviews subgraph @provides it on Review.author.
  accounts: `${LINK('"@key", "@shareable"')}
type Query {
  me: User
  user(id: ID!): User
  users: [User]
}
type User @key(fields: "id") {
  id: ID!
  name: String
  username: String @shareable
  birthday: Int
}`,
  inventory: `${LINK('"@key", "@external", "@requires"')}
type Product @key(fields: "upc") {
  upc: String!
  weight: Int @external
  price: Int @external
  inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
}`,
  products: `${LINK('"@key"')}
type Query {
  topProducts(first: Int = ${TOP_PRODUCTS_DEFAULT}): [Product]
}
type Product @key(fields: "upc") {
  upc: String!
  name: String
  price: Int
  weight: Int
}`,
  reviews: `${LINK('"@key", "@external", "@provides"')}
type Review @key(fields: "id") {
  id: ID!
  body: String
  product: Product
  author: User @provides(fields: "username")
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
};

type Representation = Record<string, unknown>;
const reviewAnswer = (r: Review) => ({ id: r.id, body: r.body, product: { upc: r.productUpc } });
/** The author the reviews subgraph names, with the username it @provides. */
const author = () => ({ id: AUTHOR_ID, username: USERS.find((u) => u.id === AUTHOR_ID)?.username });

export const SUBGRAPH_RESOLVERS: Record<BenchSubgraphName, GraphQLResolverMap> = {
  accounts: {
    Query: {
      me: () => USERS[0],
      user: (_: unknown, args: { id: string }) => USERS.find((u) => u.id === args.id) ?? null,
      users: () => USERS,
    },
    User: { __resolveReference: (ref: Representation) => USERS.find((u) => u.id === ref['id']) ?? null },
  },
  inventory: {
    Product: {
      // The required price and weight arrive in the representation, from the products subgraph.
      __resolveReference: (ref: Representation) => ({ ...ref, inStock: IN_STOCK.get(String(ref['upc'])) ?? null }),
      shippingEstimate: (product: Representation) => shippingEstimate(product['price'] as number, product['weight'] as number),
    },
  },
  products: {
    Query: { topProducts: (_: unknown, args: { first?: number }) => PRODUCTS.slice(0, args.first ?? TOP_PRODUCTS_DEFAULT) },
    Product: { __resolveReference: (ref: Representation) => productByUpc(String(ref['upc'])) ?? null },
  },
  reviews: {
    Review: {
      __resolveReference: (ref: Representation) => {
        const review = REVIEWS.find((r) => r.id === ref['id']);
        return review ? reviewAnswer(review) : null;
      },
      author,
    },
    // Field resolvers rather than stored lists: the same objects are reached by entity fetches
    // and from inside this subgraph (Review.product, Review.author).
    User: {
      __resolveReference: (ref: Representation) => ({ id: ref['id'] }),
      reviews: () => REVIEWS_OF_EVERY_USER.map(reviewAnswer),
    },
    Product: {
      __resolveReference: (ref: Representation) => ({ upc: ref['upc'] }),
      reviews: (product: Representation) => reviewsOfProduct(String(product['upc'])).map(reviewAnswer),
    },
  },
};
