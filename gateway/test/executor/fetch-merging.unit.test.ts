// Fetch merging (merge-fetches.ts, compiled-plan.ts, run-plan.ts): the entity fetches of one
// Parallel node that go to the same subgraph leave as one request, and its answer is split back
// as if each had been sent alone. The shop's `{ me … topProducts … }` plans exactly such a node:
// one catalog fetch, then a Parallel of two `reviews` entity fetches (User at `me`, Product at
// `topProducts.@`).
import { Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type QueryPlan } from '@apollo/query-planner';
import { Kind, parse, validate, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { aliasFieldsWithArguments } from '../../src/executor/alias-arguments.ts';
import { compilePlan, type StepNode } from '../../src/executor/compiled-plan.ts';
import { mergeFetches } from '../../src/executor/merge-fetches.ts';
import { runAndShape } from '../../src/executor/plan-executor.ts';
import { compileResponseShape } from '../../src/executor/response-shape.ts';
import { fetchesOf, planFor } from './support/plans.ts';
import { executorOver, runOperation } from './support/shop-executor.ts';
import { BROKEN_USER, REVIEWS_UNAVAILABLE } from './support/shop-subgraphs.ts';

const BOTH_ENTITY_FETCHES = '{ me { name reviews { body } } topProducts { name reviews { body } } }';

function operationOf(query: string): OperationDefinitionNode {
  return parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
}
const rootAliases = (query: string) => operationOf(query).selectionSet.selections.map((s) => (s as FieldNode).alias?.value);
const variableNames = (query: string) => (operationOf(query).variableDefinitions ?? []).map((d) => d.variable.name.value);
const fragmentNames = (query: string) => parse(query).definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [d.name.value] : []));

/** The Parallel node of a compiled plan `Sequence { Fetch, Parallel {...} }`. */
function parallelOf(root: StepNode | undefined): Extract<StepNode, { kind: 'Parallel' }> {
  if (root?.kind !== 'Sequence' || root.nodes[1]?.kind !== 'Parallel') throw new Error(`unexpected plan shape: ${JSON.stringify(root?.kind)}`);
  return root.nodes[1];
}

describe('fetch merging: the compiled plan', () => {
  it('turns the Parallel node of two fetches to one subgraph into one merged request', () => {
    const { schema } = executorOver();
    const plan = planFor(schema, BOTH_ENTITY_FETCHES);
    const parallel = parallelOf(compilePlan(plan, { mergeFetches: true }).root);
    expect(parallel.nodes.map((n) => n.kind)).toEqual(['MergedFetch']);
    const merged = (parallel.nodes[0] as Extract<StepNode, { kind: 'MergedFetch' }>).merged;
    expect(merged.serviceName).toBe('reviews');
    expect(merged.parts.map((p) => p.path)).toEqual([['me'], ['topProducts', '@']]);
    expect(compilePlan(plan, { mergeFetches: true }).requestCount).toBe(2);
    expect(compilePlan(plan, { mergeFetches: false }).requestCount).toBe(3);
    expect(parallelOf(compilePlan(plan, { mergeFetches: false }).root).nodes.map((n) => n.kind)).toEqual(['Fetch', 'Fetch']);
  });

  it('never merges a mutation’s fetches (canTakePart), even put side by side in a Parallel node', () => {
    const { schema } = executorOver();
    const mutation = planFor(schema, 'mutation { a: renameProduct(upc: "p1", name: "x") { name } addReview(upc: "p1", body: "b") { body } b: renameProduct(upc: "p2", name: "y") { name } }');
    const toCatalog = fetchesOf(mutation.node).filter((f) => f.serviceName === 'catalog');
    expect(toCatalog.map((f) => f.operationKind)).toEqual(['mutation', 'mutation']);
    for (const fetch of toCatalog) expect(mergeFetches.canTakePart(fetch)).toBe(false);
    const sideBySide: QueryPlan = { kind: 'QueryPlan', node: { kind: 'Parallel', nodes: toCatalog } };
    expect(compilePlan(sideBySide, { mergeFetches: true }).root).toEqual({ kind: 'Parallel', nodes: toCatalog.map((fetch) => ({ kind: 'Fetch', fetch, path: [] })) });

    // The same arrangement of query fetches does merge: the test above can tell the difference.
    const queries = fetchesOf(planFor(schema, BOTH_ENTITY_FETCHES).node).filter((f) => f.serviceName === 'reviews');
    for (const fetch of queries) expect(mergeFetches.canTakePart(fetch)).toBe(true);
    expect(compilePlan({ kind: 'QueryPlan', node: { kind: 'Parallel', nodes: queries } }, { mergeFetches: true }).root).toMatchObject({ kind: 'Parallel', nodes: [{ kind: 'MergedFetch' }] });
  });
});

describe('fetch merging: the request and its answer', () => {
  it('sends one valid request with a prefix per part and splits the answer back', async () => {
    const { executor, federation } = executorOver();
    const result = await runOperation(executor, BOTH_ENTITY_FETCHES);
    expect(result).toEqual({
      data: {
        me: { name: 'name of u1', reviews: [{ body: 'review by u1' }] },
        topProducts: [
          { name: 'name of p1', reviews: [{ body: 'review of p1' }] },
          { name: 'name of p2', reviews: [{ body: 'review of p2' }] },
        ],
      },
    });
    const sent = federation.requestsTo('reviews');
    expect(sent).toHaveLength(1);
    const { query, variables, operationName } = sent[0]!.request;
    expect(validate(federation.schemas.get('reviews')!, parse(query))).toEqual([]);
    expect(operationName).toMatch(/__merged$/);
    expect(operationOf(query).name?.value).toBe(operationName);
    expect(rootAliases(query)).toEqual(['_0__entities', '_1__entities']);
    expect(variableNames(query).sort()).toEqual(['representations_0', 'representations_1']);
    expect(variables).toEqual({
      representations_0: [{ __typename: 'User', id: 'u1' }],
      representations_1: [
        { __typename: 'Product', upc: 'p1' },
        { __typename: 'Product', upc: 'p2' },
      ],
    });
  });

  it('declares a client variable both parts use once, and sends its value once', async () => {
    const { executor, federation } = executorOver();
    const query = 'query Named($n: Int) { me { reviews(first: $n) { body } } topProducts { reviews(first: $n) { body } } }';
    expect(await runOperation(executor, query, { variables: { n: 0 } })).toEqual({ data: { me: { reviews: [] }, topProducts: [{ reviews: [] }, { reviews: [] }] } });
    const sent = federation.requestsTo('reviews');
    expect(sent).toHaveLength(1);
    const { query: merged, variables, operationName } = sent[0]!.request;
    expect(operationName).toMatch(/^Named__.*__merged$/);
    expect(variableNames(merged).sort()).toEqual(['n', 'representations_0', 'representations_1']);
    expect(variables['n']).toBe(0);
    expect(validate(federation.schemas.get('reviews')!, parse(merged))).toEqual([]);
  });

  it('gives each part’s errors to that part only, at its own client paths', async () => {
    const { executor, federation } = executorOver();
    const result = await runOperation(executor, '{ me { reviews { body } } shelf { upc reviews { body } } }');
    expect(federation.requestsTo('reviews')).toHaveLength(1);
    expect(result.data).toEqual({
      me: { reviews: [{ body: 'review by u1' }] },
      shelf: [
        { upc: 'p3', reviews: null },
        { upc: 'p4', reviews: [{ body: 'review of p4' }] },
        { upc: 'p3', reviews: null },
        { upc: 'p4', reviews: [{ body: 'review of p4' }] },
      ],
    });
    expect(result.errors?.map((e) => [e.message, e.path, e.extensions?.['serviceName']])).toEqual([
      [REVIEWS_UNAVAILABLE, ['shelf', 0, 'reviews'], 'reviews'],
      [REVIEWS_UNAVAILABLE, ['shelf', 2, 'reviews'], 'reviews'],
    ]);
  });

  it('sends [] for a part with nothing to ask, and nothing at all when no part has', async () => {
    const { executor, federation } = executorOver();
    const oneEmpty = await runOperation(executor, '{ user(id: "nobody") { name reviews { body } } topProducts { reviews { body } } }');
    expect(oneEmpty).toEqual({ data: { user: null, topProducts: [{ reviews: [{ body: 'review of p1' }] }, { reviews: [{ body: 'review of p2' }] }] } });
    const sent = federation.requestsTo('reviews');
    expect(sent).toHaveLength(1);
    expect(rootAliases(sent[0]!.request.query)).toEqual(['_0__entities', '_1__entities']);
    expect(sent[0]!.request.variables).toEqual({ representations_0: [], representations_1: [{ __typename: 'Product', upc: 'p1' }, { __typename: 'Product', upc: 'p2' }] });

    const bothEmpty = await runOperation(executor, '{ user(id: "nobody") { reviews { body } } topProducts(first: 0) { reviews { body } } }');
    expect(bothEmpty).toEqual({ data: { user: null, topProducts: [] } });
    expect(federation.requestsTo('reviews')).toHaveLength(1);
    expect(federation.requestsTo('catalog')).toHaveLength(2);
  });

  it('re-sends each part alone when one part’s _entities fails and nulls the merged answer', async () => {
    const { executor, federation } = executorOver();
    const result = await runOperation(executor, `{ user(id: "${BROKEN_USER}") { name reviews { body } } topProducts { name reviews { body } } }`);
    const sent = federation.requestsTo('reviews');
    expect(sent).toHaveLength(3);
    // The merged request really came back without data (what the retry is for).
    expect(sent[0]!.request.operationName).toMatch(/__merged$/);
    expect(sent[0]!.response.data).toBeNull();
    // Then each part as its own fetch, with the plain `$representations`.
    const alone = sent.slice(1).map(({ request }) => request);
    for (const request of alone) {
      expect(request.operationName ?? '').not.toMatch(/__merged$/);
      expect(rootAliases(request.query)).toEqual([undefined]);
      expect(Object.keys(request.variables)).toEqual(['representations']);
    }
    expect(alone.map((r) => r.variables['representations']).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      [{ __typename: 'Product', upc: 'p1' }, { __typename: 'Product', upc: 'p2' }],
      [{ __typename: 'User', id: BROKEN_USER }],
    ]);
    expect(result.data).toEqual({
      user: { name: `name of ${BROKEN_USER}`, reviews: null },
      topProducts: [
        { name: 'name of p1', reviews: [{ body: 'review of p1' }] },
        { name: 'name of p2', reviews: [{ body: 'review of p2' }] },
      ],
    });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ message: `user ${BROKEN_USER} cannot be resolved`, path: ['user'], extensions: { serviceName: 'reviews' } });
  });
});

describe('fetch merging: fragments', () => {
  // Apollo's planner names fragments per fetch when asked to generate them, so two fetches of the
  // same entity type both define `_generated_onUser1_0`: merged as they are, the request would
  // define one fragment twice (invalid GraphQL). A planner with generateQueryFragments makes them.
  const query = '{ me { reviews { body } } other: user(id: "u2") { reviews { body } } }';

  function fragmentPlan() {
    const { schema, federation } = executorOver();
    const planner = new QueryPlanner(Supergraph.build(federation.supergraphSdl), { generateQueryFragments: true });
    return { schema, federation, plan: planFor(schema, query, planner) };
  }

  it('renames each part’s fragments with its prefix', () => {
    const { plan, federation } = fragmentPlan();
    const parts = fetchesOf(plan.node).filter((f) => f.serviceName === 'reviews');
    expect(parts).toHaveLength(2);
    const [first, second] = parts.map((f) => fragmentNames(f.operation));
    expect(first).toHaveLength(1);
    expect(second).toEqual(first); // the clash the renaming is for
    const merged = mergeFetches(parts.map((fetch: FetchNode, i) => ({ fetch, path: [String(i)] })));
    expect(fragmentNames(merged.operation)).toEqual([`_0_${first![0]}`, `_1_${first![0]}`]);
    expect(validate(federation.schemas.get('reviews')!, parse(merged.operation))).toEqual([]);
    expect(merged.parts.map((p) => [p.representationsVariable, [...p.rootFields]])).toEqual([
      ['representations_0', [['_0__entities', '_entities']]],
      ['representations_1', [['_1__entities', '_entities']]],
    ]);
  });

  it('runs such a merged plan to the right answer in one request', async () => {
    const { plan, schema, federation } = fragmentPlan();
    const planning = aliasFieldsWithArguments(parse(query));
    const result = await runAndShape({
      schema,
      transport: federation.transport,
      operation: {
        plan: compilePlan(plan, { mergeFetches: true }),
        shape: compileResponseShape(schema.apiGraphQLSchema, parse(query), undefined, { inputKey: planning.inputKey }),
        isQuery: true,
        variableDefaults: {},
        aliased: planning.aliased,
      },
      variables: {},
      context: {},
    });
    expect(result).toEqual({ data: { me: { reviews: [{ body: 'review by u1' }] }, other: { reviews: [{ body: 'review by u2' }] } } });
    expect(federation.requestsTo('reviews')).toHaveLength(1);
  });
});

describe('fetch merging: shareable requests', () => {
  it('marks a query’s requests shareable and none of a mutation’s', async () => {
    const { executor, federation } = executorOver();
    await runOperation(executor, BOTH_ENTITY_FETCHES);
    expect(federation.requests.map((r) => r.options.shareable)).toEqual([true, true]);
    const mutation = await runOperation(executor, 'mutation { renameProduct(upc: "p1", name: "cup") { name reviews { body } } }');
    expect(mutation).toEqual({ data: { renameProduct: { name: 'cup', reviews: [{ body: 'review of p1' }] } } });
    expect(federation.requests.slice(2).map((r) => [r.subgraph, r.options.shareable])).toEqual([
      ['catalog', false],
      ['reviews', false],
    ]);
  });
});
