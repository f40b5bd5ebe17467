import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssertionVerifier, generateAssertionKeyPair } from '@tributary/http';
import type { GatewayApp } from '../../src/app.ts';
import { composeSupergraph } from '../../src/supergraph/compose.ts';
import { collect, gatewayClient, until } from '../subscriptions/subscription-client.ts';
import { startTickSubgraph, type TinySubscriptionSubgraph } from '../support/tiny-subscription-subgraph.ts';
import { bearer, logger, startReplicaGateway } from './replica-gateway.ts';

const TICKS = 'subscription($room: String!) { ticks(room: $room) { n room } }';

let replicas: TinySubscriptionSubgraph[] = [];
let gateway: GatewayApp | undefined;
let graphqlUrl: string;

beforeAll(async () => {
  const keys = await generateAssertionKeyPair();
  // Each replica has its own event source: a tick reaches only the subscribers of the replica it is emitted on.
  for (let i = 0; i < 2; i += 1) {
    replicas.push(await startTickSubgraph({ verifier: await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: 'ticks' }), logger }));
  }
  const [first] = replicas as [TinySubscriptionSubgraph];
  const { supergraphSdl } = composeSupergraph([{ name: 'ticks', url: first.url, sdl: first.sdl }]);
  ({ app: gateway, graphqlUrl } = await startReplicaGateway({
    supergraphSdl,
    overrides: { ticks: replicas.map((r) => r.url) },
    privateKeyPem: keys.privateKeyPem,
  }));
});

afterAll(async () => {
  await gateway?.stop().catch(() => undefined);
  for (const replica of replicas) await replica.stop().catch(() => undefined);
  replicas = [];
});

describe('a subscription over a subgraph with two replicas', () => {
  it('resubscribes on the other replica when the one holding it stops, and the client keeps its subscription', async () => {
    const client = gatewayClient(graphqlUrl, { authorization: await bearer('alice') });
    const sub = collect<{ ticks: { n: number; room: string } }>(client, TICKS, { room: 'r' });
    await until(() => expect(replicas.map((r) => r.active.size).sort()).toEqual([0, 1]));
    const holder = replicas.find((r) => r.active.size === 1) as TinySubscriptionSubgraph;
    const other = replicas.find((r) => r !== holder) as TinySubscriptionSubgraph;

    holder.emit({ id: 't1', n: 1, room: 'r' });
    await until(() => expect(sub.results).toHaveLength(1));

    await holder.stop();
    await until(() => expect(other.active.size).toBe(1), { timeoutMs: 10_000 });
    other.emit({ id: 't2', n: 2, room: 'r' });
    await until(() => expect(sub.results).toHaveLength(2));
    expect(sub.results.map((r) => r.data?.ticks.n)).toEqual([1, 2]);
    expect(sub.results.filter((r) => r.errors)).toEqual([]);

    sub.unsubscribe();
    await until(() => expect(other.active.size).toBe(0));
    await client.dispose();
  });
});
