// @requires whose selection passes field arguments, after the audit's requires-with-argument
// scenario. Two independent halves:
// - products: `shippingEstimate` needs `price(currency: "USD")` from another subgraph.
// - posts: `Post.author` needs `comments(limit: 3) { authorId }` — the same field a client may
//   also select with another argument (`comments(limit: 1)`), so a gateway must fetch both
//   variants side by side (aliased) instead of merging them into one.
import type { Representation, Scenario } from '../support/scenario.ts';

const PRODUCTS = [
  { upc: 'p1', name: 'p-name-1', price: 11, weight: 1 },
  { upc: 'p2', name: 'p-name-2', price: 22, weight: 2 },
];
const POSTS = ['p1', 'p2'];
/** Three comments per post; the author of a post is, by this scenario's rule, its third commenter. */
const COMMENTS = [
  { id: 'c1', postId: 'p1', authorId: 'a2' },
  { id: 'c2', postId: 'p1', authorId: 'a2' },
  { id: 'c3', postId: 'p1', authorId: 'a2' },
  { id: 'c4', postId: 'p2', authorId: 'a1' },
  { id: 'c5', postId: 'p2', authorId: 'a1' },
  { id: 'c6', postId: 'p2', authorId: 'a1' },
];
const AUTHORS = [
  { id: 'a1', name: 'a1-name' },
  { id: 'a2', name: 'a2-name' },
];
/** The @requires selection asks for exactly this many comments; any other count means the gateway sent the wrong variant. */
const REQUIRED_COMMENTS = 3;

const LINK = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])`;
const commentsOf = (postId: unknown, limit: number) => COMMENTS.filter((c) => c.postId === postId).slice(0, limit);

export const requiresWithArgument: Scenario = {
  name: 'requires-with-argument',
  subgraphs: [
    {
      name: 'shipping',
      sdl: `${LINK('"@key", "@external", "@requires"')}
type Product @key(fields: "upc") {
  upc: String!
  weight: Int @external
  price(currency: String!): Int @external
  shippingEstimate: Int @requires(fields: """price(currency: "USD") weight""")
}`,
      resolvers: {
        Product: {
          // The required price and weight come in the representation, never from local data.
          __resolveReference: (ref: Representation) => (PRODUCTS.some((p) => p.upc === ref['upc']) ? ref : null),
          shippingEstimate: (product: Representation) => (product['price'] as number) * (product['weight'] as number) * 10,
        },
      },
    },
    {
      name: 'catalogue',
      sdl: `${LINK('"@key"')}
type Query {
  products: [Product]
}
type Product @key(fields: "upc") {
  upc: String!
  name: String
  price(currency: String!): Int
  weight: Int
}`,
      resolvers: {
        Query: { products: () => PRODUCTS },
        Product: {
          __resolveReference: (ref: Representation) => PRODUCTS.find((p) => p.upc === ref['upc']) ?? null,
          // One currency in this catalogue: the argument only has to reach the subgraph.
          price: (product: { price: number }) => product.price,
        },
      },
    },
    {
      name: 'feed',
      sdl: `${LINK('"@key"')}
type Query {
  feed: [Post]
}
type Post @key(fields: "id") {
  id: ID!
}
type Comment @key(fields: "id") {
  id: ID!
  authorId: ID
}`,
      resolvers: {
        Query: { feed: () => POSTS.map((id) => ({ id })) },
        Post: { __resolveReference: (ref: Representation) => (POSTS.includes(String(ref['id'])) ? { id: ref['id'] } : null) },
        Comment: { __resolveReference: (ref: Representation) => COMMENTS.find((c) => c.id === ref['id']) ?? null },
      },
    },
    {
      name: 'authors',
      sdl: `${LINK('"@key", "@external", "@requires"')}
type Post @key(fields: "id") {
  id: ID!
  author: Author @requires(fields: "comments(limit: 3) { authorId }")
  comments(limit: Int!): [Comment]
}
type Comment @key(fields: "id") {
  id: ID!
  date: String
  authorId: ID @external
}
type Author {
  id: ID!
  name: String
}`,
      resolvers: {
        Post: {
          __resolveReference: (ref: Representation) => {
            if (!POSTS.includes(String(ref['id']))) return null;
            const required = ref['comments'] as { authorId: string }[] | undefined;
            if (required === undefined) return { id: ref['id'] };
            // A representation built from the client's `comments(limit: 1)` instead of the
            // required `comments(limit: 3)` is the bug this scenario exists to catch.
            if (required.length !== REQUIRED_COMMENTS) throw new Error(`expected ${REQUIRED_COMMENTS} required comments, got ${required.length}`);
            return { id: ref['id'], authorId: required[REQUIRED_COMMENTS - 1]!.authorId };
          },
          author: (post: { authorId?: string }) => AUTHORS.find((a) => a.id === post.authorId) ?? null,
          // Only ids here: authorId lives in the feed subgraph.
          comments: (post: { id: string }, args: { limit: number }) => commentsOf(post.id, args.limit).map((c) => ({ id: c.id })),
        },
        Comment: { __resolveReference: (ref: Representation) => (COMMENTS.some((c) => c.id === ref['id']) ? { id: ref['id'] } : null) },
      },
    },
  ],
};
