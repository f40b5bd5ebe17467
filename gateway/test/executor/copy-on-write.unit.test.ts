// Copy on write (result-tree.ts): subgraph answers are never modified, since one answer may be
// shared by concurrent executions. The in-process subgraphs deep-freeze every answer, so a write
// into one throws (strict mode) and the execution reports an error instead of data.
import { describe, expect, it } from 'vitest';
import { createSharedFlights } from '../../src/executor/shared-flights.ts';
import { createPlanExecutor } from '../../src/executor/plan-executor.ts';
import { ResultTree, type JsonObject } from '../../src/executor/result-tree.ts';
import type { SubgraphResponse, SubgraphTransport } from '../../src/executor/types.ts';
import { deepFreeze } from './support/deep-freeze.ts';
import { executorOver, runOperation } from './support/shop-executor.ts';

const QUERY = '{ me { name reviews { body } } topProducts { name reviews { body } } }';
const EXPECTED = {
  data: {
    me: { name: 'name of u1', reviews: [{ body: 'review by u1' }] },
    topProducts: [
      { name: 'name of p1', reviews: [{ body: 'review of p1' }] },
      { name: 'name of p2', reviews: [{ body: 'review of p2' }] },
    ],
  },
};
/** What catalog answers QUERY's root fetch: no `reviews` anywhere (those come from `reviews`). */
const CATALOG_ANSWER = {
  data: {
    me: { __typename: 'User', id: 'u1', name: 'name of u1' },
    topProducts: [
      { __typename: 'Product', upc: 'p1', name: 'name of p1' },
      { __typename: 'Product', upc: 'p2', name: 'name of p2' },
    ],
  },
};

describe('copy on write: executions', () => {
  it('merges entity answers into a frozen root answer without touching it', async () => {
    const { executor, federation } = executorOver();
    expect(await runOperation(executor, QUERY)).toEqual(EXPECTED);
    const root = federation.requestsTo('catalog')[0]!.response;
    expect(Object.isFrozen(root.data!['me'])).toBe(true);
    expect(root).toEqual(CATALOG_ANSWER);
  });

  it('lets concurrent executions share one frozen answer, each building its own result', async () => {
    const { federation, schema } = executorOver();
    // Identical requests in flight get the very same answer object, as the HTTP transport's
    // shared flights hand it out.
    const flights = createSharedFlights<SubgraphResponse>();
    const shared: SubgraphTransport = (subgraph, request, options) => flights.share(`${subgraph} ${JSON.stringify(request)}`, () => federation.transport(subgraph, request, options));
    const executor = createPlanExecutor({ schema, transport: shared });
    const results = await Promise.all([runOperation(executor, QUERY), runOperation(executor, QUERY), runOperation(executor, QUERY)]);
    for (const result of results) expect(result).toEqual(EXPECTED);
    expect(federation.requestsTo('catalog')).toHaveLength(1);
    expect(federation.requestsTo('reviews')).toHaveLength(1);
    expect(federation.requestsTo('catalog')[0]!.response).toEqual(CATALOG_ANSWER);
    // Three results, three distinct trees: none is another's object.
    expect(new Set(results.map((r) => r.data)).size).toBe(3);
  });
});

describe('ResultTree.merge', () => {
  function mergedOf(...sources: JsonObject[]) {
    const tree = new ResultTree();
    for (const source of sources) tree.merge(tree.root, deepFreeze(source));
    return tree.root;
  }

  it('merges objects key by key, at every depth', () => {
    expect(mergedOf({ a: 1, o: { x: 1, y: 1, deep: { k: 'v' } } }, { b: 2, o: { y: 2, z: 3, deep: { l: 'w' } } })).toEqual({
      a: 1,
      b: 2,
      o: { x: 1, y: 2, z: 3, deep: { k: 'v', l: 'w' } },
    });
  });

  it('merges lists of the same length element by element', () => {
    expect(mergedOf({ l: [{ a: 1 }, { a: 2 }], n: [1, 2] }, { l: [{ b: 1 }, { b: 2 }], n: [3, 4] })).toEqual({ l: [{ a: 1, b: 1 }, { a: 2, b: 2 }], n: [3, 4] });
    expect(mergedOf({ l: [{ a: 1 }, null] }, { l: [null, { b: 2 }] })).toEqual({ l: [null, { b: 2 }] });
    // A list nested in a list is an element that is no object: replaced, exactly as Apollo's
    // gateway deepMerge does (so a value type's fields from two subgraphs in `[[T]]` do not combine
    // there either).
    expect(mergedOf({ l: [[{ a: 1 }]] }, { l: [[{ b: 1 }]] })).toEqual({ l: [[{ b: 1 }]] });
  });

  it('replaces anything else: lists of another length, nulls, scalars, an object by a scalar', () => {
    expect(mergedOf({ l: [{ a: 1 }] }, { l: [{ b: 1 }, { b: 2 }] })).toEqual({ l: [{ b: 1 }, { b: 2 }] });
    expect(mergedOf({ o: { a: 1 } }, { o: null })).toEqual({ o: null });
    expect(mergedOf({ o: null }, { o: { a: 1 } })).toEqual({ o: { a: 1 } });
    expect(mergedOf({ o: { a: 1 } }, { o: 'text' })).toEqual({ o: 'text' });
    expect(mergedOf({ o: { a: 1 } }, { o: [{ a: 1 }] })).toEqual({ o: [{ a: 1 }] });
  });

  it('skips undefined values and null or missing sources', () => {
    const tree = new ResultTree();
    tree.merge(tree.root, { a: 1 });
    tree.merge(tree.root, { a: undefined, b: 2 });
    tree.merge(tree.root, null);
    tree.merge(tree.root, undefined);
    expect(tree.root).toEqual({ a: 1, b: 2 });
  });

  it('copies only what it writes into, once, and shares the rest by reference', () => {
    const tree = new ResultTree();
    const first = deepFreeze({ extended: { a: 1 }, untouched: { b: 1 }, list: [{ c: 1 }, { c: 2 }] });
    tree.merge(tree.root, first);
    expect(tree.root['extended']).toBe(first.extended);
    tree.merge(tree.root, deepFreeze({ extended: { a2: 2 }, list: [{ d: 1 }, { d: 2 }] }));
    const copied = tree.root['extended'];
    expect(copied).not.toBe(first.extended);
    expect(tree.root['untouched']).toBe(first.untouched);
    expect(tree.root['list']).not.toBe(first.list);
    tree.merge(tree.root, deepFreeze({ extended: { a3: 3 } }));
    expect(tree.root['extended']).toBe(copied); // already this execution's own: no second copy
    expect(tree.root).toEqual({ extended: { a: 1, a2: 2, a3: 3 }, untouched: { b: 1 }, list: [{ c: 1, d: 1 }, { c: 2, d: 2 }] });
    expect(first).toEqual({ extended: { a: 1 }, untouched: { b: 1 }, list: [{ c: 1 }, { c: 2 }] });
  });

  it('writable() copies a shared value into its parent once and then hands out that copy', () => {
    const tree = new ResultTree();
    const shared: JsonObject = deepFreeze({ x: 1 });
    tree.merge(tree.root, { o: shared });
    const copy = tree.writable(tree.root, 'o', shared);
    expect(copy).not.toBe(shared);
    expect(tree.root['o']).toBe(copy);
    expect(tree.writable(tree.root, 'o', copy)).toBe(copy);
    copy['y'] = 2;
    expect(shared).toEqual({ x: 1 });
  });
});
