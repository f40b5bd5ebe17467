import { describe, expect, it } from 'vitest';
import { ACTOR_HEADER, decodeActorHeader } from '@tributary/contracts';
import { ActorForwardingDataSource, type GatewayContext } from '../src/auth/actor-data-source.ts';

type ProcessOptions = Parameters<NonNullable<ActorForwardingDataSource['willSendRequest']>>[0];

/** Runs willSendRequest on a subgraph request that already carries `initialHeaders`. */
function headersSent(context: GatewayContext, initialHeaders: Record<string, string>): Headers {
  const headers = new Headers(initialHeaders);
  const options = {
    kind: 'incoming operation',
    request: { query: '{ whoami }', http: { method: 'POST', url: 'http://subgraph/graphql', headers } },
    context,
    incomingRequestContext: {},
  } as unknown as ProcessOptions;
  new ActorForwardingDataSource({ url: 'http://subgraph/graphql' }).willSendRequest(options);
  return headers;
}

describe('ActorForwardingDataSource', () => {
  const spoofed = { [ACTOR_HEADER]: JSON.stringify({ customerId: 'mallory', role: 'admin' }) };

  it('replaces an actor header that did not come from verification', () => {
    const headers = headersSent({ actor: { customerId: 'c-1', role: 'customer' } }, spoofed);
    expect(decodeActorHeader(headers.get(ACTOR_HEADER))).toEqual({ customerId: 'c-1', role: 'customer' });
  });

  it('removes it for anonymous callers', () => {
    expect(headersSent({}, spoofed).has(ACTOR_HEADER)).toBe(false);
  });
});
