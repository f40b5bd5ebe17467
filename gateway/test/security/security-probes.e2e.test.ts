import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.ts';
import { renderProbeTable, runProbes } from './probes.ts';

/**
 * The security regression probes (`npm run test:security`) against a stack of our own, with
 * rate limits on (embedded Redis): every probe must observe what it expects.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ services: ['order', 'inventory'], seedDemoCatalogue: true, rateLimit: true });
});

afterAll(async () => {
  await stack?.stop();
});

it('every probe observes what it expects', async () => {
  const results = await runProbes({ graphqlUrl: stack.graphqlUrl, token: (id, role) => stack.token(id, role), subgraphUrls: stack.subgraphUrls, rateLimited: true });
  console.log(`\n${renderProbeTable(results)}`);
  expect(results.length).toBeGreaterThanOrEqual(10);
  expect(results.filter((result) => !result.ok)).toEqual([]);
});
