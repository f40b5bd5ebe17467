// Several @key directives per entity, resolvable in one subgraph and not in the other, after the
// audit's keys-mashup scenario. `A` can be fetched from `a` only by `id`, and from `b` only by
// `id compositeId { two three }`; `b.nameInB` @requires `name`, which only `a` has. A gateway must
// pick, for each hop, a key the target subgraph can actually resolve.
import type { Representation, Scenario } from '../support/scenario.ts';

interface AData {
  id: string;
  pId: string;
  name: string;
  compositeId: { one: string; two: string; three: string };
}
function aData(id: string): AData {
  const prefix = `a.${id}`;
  return { id, pId: `${prefix}.pId`, name: prefix, compositeId: { one: `${prefix}.compositeId.one`, two: `${prefix}.compositeId.two`, three: `${prefix}.compositeId.three` } };
}
const AS = new Map(['1', '2'].map((id) => [id, aData(id)]));
/** The B entities and the A ids each holds. */
const BS = new Map([
  ['100', ['1']],
  ['200', ['1', '2']],
]);
const ROOT_B = '100';

const LINK = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: [${imports}])`;
const COMPOSITE_ID = `type CompositeID {
  one: ID!
  two: ID!
  three: ID!
}`;
/** What `b` knows of an A: everything but its name. */
const withoutName = ({ id, pId, compositeId }: AData) => ({ id, pId, compositeId });

export const keysMashup: Scenario = {
  name: 'keys-mashup',
  subgraphs: [
    {
      name: 'a',
      sdl: `${LINK('"@key"')}
type A
  @key(fields: "id", resolvable: true)
  @key(fields: "pId", resolvable: false)
  @key(fields: "compositeId { one two }", resolvable: false)
  @key(fields: "id compositeId { two three }", resolvable: false) {
  id: ID!
  pId: ID!
  compositeId: CompositeID!
  name: String!
}
${COMPOSITE_ID}`,
      resolvers: {
        // Only the `id` key is resolvable here: a representation without it finds nothing.
        A: { __resolveReference: (ref: Representation) => AS.get(String(ref['id'])) ?? null },
      },
    },
    {
      name: 'b',
      sdl: `${LINK('"@key", "@requires", "@external"')}
type Query {
  b: B
}
type B @key(fields: "id") {
  id: ID!
  a: [A!]!
}
type A
  @key(fields: "compositeId { one two }", resolvable: false)
  @key(fields: "id compositeId { two three }", resolvable: true)
  @key(fields: "pId", resolvable: false)
  @key(fields: "id", resolvable: false) {
  id: ID!
  pId: ID!
  compositeId: CompositeID!
  name: String! @external
  nameInB: String! @requires(fields: "name")
}
${COMPOSITE_ID}`,
      resolvers: {
        Query: { b: () => ({ id: ROOT_B }) },
        B: {
          __resolveReference: (ref: Representation) => (BS.has(String(ref['id'])) ? { id: ref['id'] } : null),
          a: (b: { id: string }) => (BS.get(b.id) ?? []).map((id) => withoutName(AS.get(id)!)),
        },
        A: {
          __resolveReference: (ref: Representation) => {
            const a = AS.get(String(ref['id']));
            if (!a) return null;
            return typeof ref['name'] === 'string' ? { ...withoutName(a), name: ref['name'] } : withoutName(a);
          },
          nameInB: (a: { name?: string }) => {
            if (!a.name) throw new Error('A.name was not provided');
            return `b.a.nameInB ${a.name}`;
          },
        },
      },
    },
  ],
};
