// The planner correction (planner-corrections.ts), on the federation audit's keys-mashup
// supergraph: to come back into `b` for `nameInB` (@requires name, which only `a` has), a plan
// must send `b` representations by a key `b` can resolve: `id compositeId { two three }`. Apollo's
// stock planner takes `b`'s first key, `compositeId { one two }`, declared resolvable: false.
import { Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { describe, expect, it } from 'vitest';
import { buildFederatedSchema } from '../../src/executor/federated-schema.ts';
import { keysMashup } from '../federation/keys-mashup/subgraphs.ts';
import { inProcessFederation } from './support/in-process-federation.ts';
import { fetchesOf, planFor, requiresText } from './support/plans.ts';
import { runOperation } from './support/shop-executor.ts';
import { createPlanExecutor } from '../../src/executor/plan-executor.ts';

const QUERY = '{ b { id a { id nameInB } } }';
const RESOLVABLE_KEY = 'id compositeId { two three }';

function lastFetch(plan: QueryPlan) {
  const fetches = fetchesOf(plan.node);
  return fetches[fetches.length - 1]!;
}

describe('planner correction (keys mashup)', () => {
  const federation = inProcessFederation(keysMashup.subgraphs);
  const corrected = buildFederatedSchema(federation.supergraphSdl);
  const plainSupergraph = Supergraph.build(federation.supergraphSdl);
  const plain = new QueryPlanner(plainSupergraph);

  it('comes back into b by the key b can resolve', () => {
    const fetch = lastFetch(planFor(corrected, QUERY));
    expect(fetch.serviceName).toBe('b');
    expect(requiresText(fetch)).toContain(RESOLVABLE_KEY);
  });

  it('leaves a stock planner built in the same process with Apollo’s choice', () => {
    // Planned over the plain supergraph's own API schema (the operation must be of its schema).
    const fetch = lastFetch(planFor({ ...corrected, apiSchema: plainSupergraph.apiSchema() }, QUERY, plain));
    expect(fetch.serviceName).toBe('b');
    expect(requiresText(fetch)).not.toContain(RESOLVABLE_KEY);
    expect(requiresText(fetch)).toContain('compositeId { one two }');
  });

  it('answers the operation through the corrected plan', async () => {
    const executor = createPlanExecutor({ schema: corrected, transport: federation.transport });
    const result = await runOperation(executor, QUERY);
    expect(result).toEqual({ data: { b: { id: '100', a: [{ id: '1', nameInB: 'b.a.nameInB a.1' }] } } });
  });
});
