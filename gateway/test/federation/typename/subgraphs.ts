// __typename on abstract types across subgraphs, after the audit's typename scenario: a union
// and an interface resolved in one subgraph, and an entity interface (User) that another
// subgraph sees only as an @interfaceObject — it cannot name the concrete type, so a gateway
// must ask the owning subgraph for __typename.
import type { Representation, Scenario } from '../support/scenario.ts';

const USERS = [
  { __typename: 'Admin', id: 'u1', name: 'Alice', isMain: false },
  { __typename: 'Admin', id: 'u2', name: 'Bob', isMain: true },
];
const LINK = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])`;
const userById = (ref: Representation) => USERS.find((u) => u.id === ref['id']) ?? null;

export const typenameScenario: Scenario = {
  name: 'typename',
  subgraphs: [
    {
      name: 'appliances',
      sdl: `${LINK('"@key"')}
type Query {
  union: Product
  interface: Node
}
union Product = Oven | Toaster
interface Node {
  id: ID!
}
type Oven implements Node {
  id: ID!
}
type Toaster implements Node {
  id: ID!
}
interface User @key(fields: "id") {
  id: ID!
}
type Admin implements User @key(fields: "id") {
  id: ID!
  isMain: Boolean!
}`,
      resolvers: {
        Query: { union: () => ({ __typename: 'Oven', id: '1' }), interface: () => ({ __typename: 'Toaster', id: '2' }) },
        User: { __resolveReference: userById },
        Admin: { __resolveReference: userById },
      },
    },
    {
      name: 'people',
      sdl: `${LINK('"@key", "@interfaceObject"')}
type Query {
  users: [User]
}
type User @key(fields: "id") @interfaceObject {
  id: ID!
  name: String!
}`,
      resolvers: {
        // No __typename on purpose: an interface object does not know the concrete type.
        Query: { users: () => USERS.map(({ id }) => ({ id })) },
        User: {
          __resolveReference: (ref: Representation) => (userById(ref) ? { id: ref['id'] } : null),
          name: (user: { id: string }) => USERS.find((u) => u.id === user.id)?.name,
        },
      },
    },
  ],
};
