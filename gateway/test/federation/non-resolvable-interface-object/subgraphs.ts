// @interfaceObject types that are not resolvable, after the audit's
// non-resolvable-interface-object scenario. `a` owns the interface Node and sees Product only as
// an interface object it cannot resolve; `b` is the mirror image (Node as a non-resolvable
// interface object with a `field`, Product as the real interface implemented by Bread).
// A gateway must not plan an entity fetch into a subgraph whose key is `resolvable: false`.
import type { Representation, Scenario } from '../support/scenario.ts';

const NODE_ID = 'n1';
const BREADS = [{ __typename: 'Bread', id: 'p1', name: 'Bread' }];
const LINK = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])`;
/** Only called if a gateway sends an entity fetch it should not have planned. */
const notResolvable = (subgraph: string) => () => {
  throw new Error(`Node is not resolvable in subgraph ${subgraph}`);
};
const breadById = (ref: Representation) => BREADS.find((b) => b.id === ref['id']) ?? null;

export const nonResolvableInterfaceObject: Scenario = {
  name: 'non-resolvable-interface-object',
  subgraphs: [
    {
      name: 'a',
      sdl: `${LINK('"@key", "@interfaceObject"')}
interface Node @key(fields: "id") {
  id: ID!
}
type Product @key(fields: "id", resolvable: false) @interfaceObject {
  id: ID!
}
type Query {
  a: Node
  product: Product!
}`,
      resolvers: {
        // The Node `a` answers has no concrete type any subgraph can name.
        Query: { a: () => ({ __typename: 'Node', id: NODE_ID }), product: () => ({ __typename: 'Product', id: BREADS[0]!.id }) },
        Node: { __resolveReference: notResolvable('a') },
      },
    },
    {
      name: 'b',
      sdl: `${LINK('"@key", "@interfaceObject"')}
type Node @key(fields: "id", resolvable: false) @interfaceObject {
  id: ID!
  field: String
}
interface Product @key(fields: "id") {
  id: ID!
}
type Bread implements Product @key(fields: "id") {
  id: ID!
  name: String!
}
type Query {
  b: Node
}`,
      resolvers: {
        Query: { b: () => ({ __typename: 'Node', id: NODE_ID }) },
        Node: { __resolveReference: notResolvable('b'), field: () => 'foo' },
        Product: { __resolveReference: breadById },
        Bread: { __resolveReference: breadById },
      },
    },
  ],
};
