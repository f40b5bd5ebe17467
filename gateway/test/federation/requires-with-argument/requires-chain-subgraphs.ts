// A @requires that needs a field which itself has a @requires, after the audit's requires-requires
// scenario (which the audit files with requires-with-argument): `canAfford` (d) needs
// `isExpensive` (c), which needs the @inaccessible `price` (a). A gateway must run the chain in
// order, carrying each required value into the next representation.
import { GraphQLError } from 'graphql';
import type { Representation, Scenario } from '../support/scenario.ts';

const PRODUCT = { id: 'p1', price: 699.99, hasDiscount: true };
const EXPENSIVE_ABOVE = 500;
const LINK = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])`;

/** Reads one required value from a representation: absent is fine (not asked), any other type is a gateway bug. */
function required<T extends 'number' | 'boolean'>(ref: Representation, field: string, type: T): (T extends 'number' ? number : boolean) | undefined {
  const value = ref[field];
  if (value === undefined) return undefined;
  if (typeof value !== type) throw new GraphQLError(`Product.${field} must be a ${type}`);
  return value as T extends 'number' ? number : boolean;
}

export const requiresChain: Scenario = {
  name: 'requires-requires',
  subgraphs: [
    {
      name: 'prices',
      sdl: `${LINK('"@key", "@inaccessible"')}
type Product @key(fields: "id") {
  id: ID!
  price: Float! @inaccessible
}`,
      resolvers: { Product: { __resolveReference: (ref: Representation) => (ref['id'] === PRODUCT.id ? PRODUCT : null) } },
    },
    {
      name: 'discounts',
      sdl: `${LINK('"@key"')}
type Query {
  product: Product
}
type Product @key(fields: "id") {
  id: ID!
  hasDiscount: Boolean!
}`,
      resolvers: {
        Query: { product: () => PRODUCT },
        Product: { __resolveReference: (ref: Representation) => (ref['id'] === PRODUCT.id ? PRODUCT : null) },
      },
    },
    {
      name: 'pricing',
      sdl: `${LINK('"@key", "@external", "@requires"')}
type Product @key(fields: "id") {
  id: ID!
  price: Float! @external
  isExpensive: Boolean! @requires(fields: "price")
  hasDiscount: Boolean! @external
  isExpensiveWithDiscount: Boolean! @requires(fields: "hasDiscount")
}`,
      resolvers: {
        Product: {
          __resolveReference: (ref: Representation) => {
            if (ref['id'] !== PRODUCT.id) return null;
            const price = required(ref, 'price', 'number');
            const hasDiscount = required(ref, 'hasDiscount', 'boolean');
            return {
              id: ref['id'],
              ...(price === undefined ? {} : { price, isExpensive: price > EXPENSIVE_ABOVE }),
              ...(hasDiscount === undefined ? {} : { hasDiscount, isExpensiveWithDiscount: !hasDiscount }),
            };
          },
        },
      },
    },
    {
      name: 'budget',
      sdl: `${LINK('"@key", "@external", "@requires"')}
type Product @key(fields: "id") {
  id: ID!
  isExpensive: Boolean! @external
  canAfford: Boolean! @requires(fields: "isExpensive")
  isExpensiveWithDiscount: Boolean! @external
  canAffordWithDiscount: Boolean! @requires(fields: "isExpensiveWithDiscount")
}`,
      resolvers: {
        Product: {
          __resolveReference: (ref: Representation) => {
            if (ref['id'] !== PRODUCT.id) return null;
            const isExpensive = required(ref, 'isExpensive', 'boolean');
            const isExpensiveWithDiscount = required(ref, 'isExpensiveWithDiscount', 'boolean');
            return {
              id: ref['id'],
              ...(isExpensive === undefined ? {} : { isExpensive, canAfford: !isExpensive }),
              ...(isExpensiveWithDiscount === undefined ? {} : { isExpensiveWithDiscount, canAffordWithDiscount: !isExpensiveWithDiscount }),
            };
          },
        },
      },
    },
  ],
};
