import { ACTOR_HEADER } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { contextFromHeaders } from '../../src/resolvers/context.ts';

const VALID = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('contextFromHeaders', () => {
  it('keeps a well-formed traceparent and the verified actor', () => {
    const context = contextFromHeaders({ traceparent: VALID, [ACTOR_HEADER]: JSON.stringify({ customerId: 'alice', role: 'customer' }) });
    expect(context).toMatchObject({ traceparent: VALID, actor: { customerId: 'alice', role: 'customer' } });
  });

  it.each([
    ['garbage', 'not-a-trace'],
    ['upper-case hex', VALID.toUpperCase()],
    ['an all-zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
  ])('drops a traceparent that is %s, which the envelope schema would refuse', (_name, traceparent) => {
    expect(contextFromHeaders({ traceparent })).not.toHaveProperty('traceparent');
  });

  it('treats a missing or malformed actor header as anonymous', () => {
    expect(contextFromHeaders({})).not.toHaveProperty('actor');
    expect(contextFromHeaders({ [ACTOR_HEADER]: '{"customerId":"x","role":"root"}' })).not.toHaveProperty('actor');
  });
});
