// Representation dedup (fetch-step.ts prepareFetch): an entity reached along several paths of one
// entity fetch is asked for once; the answer is merged into every place it stood for, and an error
// about it (`_entities.<i>…`) is reported at each of those places. The shop's shelf holds p3 and p4
// twice each: [p3, p4, p3, p4]; p3's reviews fail.
import { describe, expect, it } from 'vitest';
import { executorOver, runOperation } from './support/shop-executor.ts';
import { REVIEWS_UNAVAILABLE } from './support/shop-subgraphs.ts';

const SHELF = '{ shelf { upc name reviews { body } } }';

describe('representation dedup', () => {
  it('sends each distinct representation once per entity fetch', async () => {
    const { executor, federation } = executorOver();
    await runOperation(executor, SHELF);
    const sent = federation.requestsTo('reviews');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.request.variables['representations']).toEqual([
      { __typename: 'Product', upc: 'p3' },
      { __typename: 'Product', upc: 'p4' },
    ]);
  });

  it('gives every place of a deduplicated entity its data', async () => {
    const { executor } = executorOver();
    const { data } = await runOperation(executor, SHELF);
    const p4 = { upc: 'p4', name: 'name of p4', reviews: [{ body: 'review of p4' }] };
    const p3 = { upc: 'p3', name: 'name of p3', reviews: null };
    expect(data).toEqual({ shelf: [p3, p4, p3, p4] });
  });

  it('reports an error at _entities.<i> at every path that representation stood for', async () => {
    const { executor, federation } = executorOver();
    const { errors } = await runOperation(executor, SHELF);
    // The subgraph itself reported it once, for the one representation of p3.
    expect(federation.requestsTo('reviews')[0]!.response.errors?.map((e) => e.path)).toEqual([['_entities', 0, 'reviews']]);
    expect(errors?.map((e) => ({ message: e.message, path: e.path, service: e.extensions?.['serviceName'], code: e.extensions?.['code'] }))).toEqual([
      { message: REVIEWS_UNAVAILABLE, path: ['shelf', 0, 'reviews'], service: 'reviews', code: 'DOWNSTREAM_SERVICE_ERROR' },
      { message: REVIEWS_UNAVAILABLE, path: ['shelf', 2, 'reviews'], service: 'reviews', code: 'DOWNSTREAM_SERVICE_ERROR' },
    ]);
  });

  it('does not merge distinct entities: each place gets its own entity', async () => {
    const { executor, federation } = executorOver();
    const { data } = await runOperation(executor, '{ topProducts(first: 4) { upc reviews { body } } }');
    expect(federation.requestsTo('reviews')[0]!.request.variables['representations']).toHaveLength(4);
    expect((data?.['topProducts'] as { upc: string }[]).map((p) => p.upc)).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(data?.['topProducts']).toMatchObject([{ reviews: [{ body: 'review of p1' }] }, { reviews: [{ body: 'review of p2' }] }, { reviews: null }, { reviews: [{ body: 'review of p4' }] }]);
  });
});
