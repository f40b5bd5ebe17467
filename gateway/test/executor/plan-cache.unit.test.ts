// The plan cache (plan-executor.ts): an operation is planned once, kept under its cacheKey (or its
// printed text) and operation name, and the cache is bounded (least recently used out first).
// Planning is counted by wrapping buildQueryPlan on the executor's own planner object.
import { describe, expect, it } from 'vitest';
import { executorOver, runOperation } from './support/shop-executor.ts';

function countingPlans(planCacheSize?: number) {
  const under = executorOver(undefined, planCacheSize ? { planCacheSize } : {});
  const planner = under.schema.planner;
  const buildQueryPlan = planner.buildQueryPlan.bind(planner);
  const planned: string[] = [];
  planner.buildQueryPlan = (operation, options) => {
    planned.push(operation.name ?? '(anonymous)');
    return buildQueryPlan(operation, options);
  };
  return { ...under, planned };
}

const A = 'query A { me { name } }';
const B = 'query B { topProducts { name } }';
const C = 'query C { shelf { upc } }';

describe('plan cache', () => {
  it('plans an operation once, however often and however concurrently it runs', async () => {
    const { executor, planned } = countingPlans();
    const results = await Promise.all(Array.from({ length: 5 }, () => runOperation(executor, A)));
    await runOperation(executor, `\n  ${A.replace(/ /g, '   ')}\n`); // same document, other spacing
    for (const result of results) expect(result).toEqual({ data: { me: { name: 'name of u1' } } });
    expect(planned).toEqual(['A']);
    expect(executor.cachedPlans()).toBe(1);
  });

  it('is bounded: with planCacheSize 2, three operations leave two plans, the least recently used out', async () => {
    const { executor, planned } = countingPlans(2);
    await runOperation(executor, A);
    await runOperation(executor, B);
    await runOperation(executor, A); // A is now the most recently used
    await runOperation(executor, C); // evicts B
    expect(executor.cachedPlans()).toBe(2);
    expect(planned).toEqual(['A', 'B', 'C']);
    await runOperation(executor, A);
    await runOperation(executor, C);
    expect(planned).toEqual(['A', 'B', 'C']);
    expect(await runOperation(executor, B)).toEqual({ data: { topProducts: [{ name: 'name of p1' }, { name: 'name of p2' }] } });
    expect(planned).toEqual(['A', 'B', 'C', 'B']);
    expect(executor.cachedPlans()).toBe(2);
  });

  it('keys a plan by the cacheKey it is given, not by the document', async () => {
    const { executor, planned } = countingPlans();
    await runOperation(executor, A, { cacheKey: 'hash-1' });
    // Another document under the same key takes the cached plan (Apollo Server's queryHash is
    // the hash of the text, so in real use one key is one text).
    const reused = await runOperation(executor, B, { cacheKey: 'hash-1' });
    expect(reused).toEqual({ data: { me: { name: 'name of u1' } } });
    await runOperation(executor, A, { cacheKey: 'hash-2' });
    expect(planned).toEqual(['A', 'A']);
    expect(executor.cachedPlans()).toBe(2);
  });

  it('keys a plan by operation name too: one document, two operations, two plans', async () => {
    const { executor, planned } = countingPlans();
    const document = `${A}\n${B}`;
    expect(await runOperation(executor, document, { cacheKey: 'both', operationName: 'A' })).toEqual({ data: { me: { name: 'name of u1' } } });
    expect(await runOperation(executor, document, { cacheKey: 'both', operationName: 'B' })).toEqual({ data: { topProducts: [{ name: 'name of p1' }, { name: 'name of p2' }] } });
    await runOperation(executor, document, { cacheKey: 'both', operationName: 'A' });
    expect(planned).toEqual(['A', 'B']);
    expect(executor.cachedPlans()).toBe(2);
  });

  it('caches no failure: an unknown operation name is an error every time, and no plan', async () => {
    const { executor, planned } = countingPlans();
    for (let i = 0; i < 2; i++) {
      const result = await runOperation(executor, A, { operationName: 'Nope' });
      expect(result.data).toBeUndefined();
      expect(result.errors?.map((e) => e.message)).toEqual(['Unknown operation named "Nope".']);
    }
    expect(planned).toEqual([]);
    expect(executor.cachedPlans()).toBe(0);
  });
});
