// @include / @skip on fields with @requires chains, after the audit's include-skip scenario:
// `isExpensive` @requires `price`, and `include` / `skip` @require `isExpensive`. The fields
// named neverCalled* throw when resolved: a gateway that fetches a field its client excluded is
// caught by the error, not only by a missing value.
import type { Representation, Scenario } from '../support/scenario.ts';

const PRODUCT = { id: 'p1', price: 699.99 };
const EXPENSIVE_ABOVE = 500;
const LINK = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])`;
const knownProduct = (ref: Representation) => (ref['id'] === PRODUCT.id ? ref : null);
/** Resolves only when the required isExpensive came with the representation. */
const requiresIsExpensive = (p: Representation) => {
  if (typeof p['isExpensive'] !== 'boolean') throw new Error('isExpensive is missing');
  return true;
};
const neverCalled = (field: string) => () => {
  throw new Error(`${field} should not be called`);
};

export const includeSkip: Scenario = {
  name: 'include-skip',
  subgraphs: [
    {
      name: 'prices',
      sdl: `${LINK('"@key"')}
type Query {
  product: Product
}
type Product @key(fields: "id") {
  id: ID!
  price: Float!
}`,
      resolvers: {
        Query: { product: () => PRODUCT },
        Product: { __resolveReference: (ref: Representation) => (ref['id'] === PRODUCT.id ? PRODUCT : null) },
      },
    },
    {
      name: 'pricing-rules',
      sdl: `${LINK('"@key", "@external", "@requires"')}
type Product @key(fields: "id") {
  id: ID!
  price: Float! @external
  isExpensive: Boolean! @requires(fields: "price")
}`,
      resolvers: {
        Product: {
          __resolveReference: knownProduct,
          isExpensive: (p: Representation) => {
            if (typeof p['price'] !== 'number') throw new Error('price is missing');
            return p['price'] > EXPENSIVE_ABOVE;
          },
        },
      },
    },
    {
      name: 'flags',
      sdl: `${LINK('"@key", "@external", "@requires"')}
type Product @key(fields: "id") {
  id: ID!
  isExpensive: Boolean! @external
  include: Boolean! @requires(fields: "isExpensive")
  skip: Boolean! @requires(fields: "isExpensive")
  neverCalledInclude: Boolean! @requires(fields: "isExpensive")
  neverCalledSkip: Boolean! @requires(fields: "isExpensive")
}`,
      resolvers: {
        Product: {
          __resolveReference: knownProduct,
          include: requiresIsExpensive,
          skip: requiresIsExpensive,
          neverCalledInclude: neverCalled('neverCalledInclude'),
          neverCalledSkip: neverCalled('neverCalledSkip'),
        },
      },
    },
  ],
};
