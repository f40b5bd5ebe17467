import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssertionVerifier, generateAssertionKeyPair } from '@tributary/http';
import type { GatewayApp } from '../../src/app.ts';
import { composeSupergraph } from '../../src/supergraph/compose.ts';
import { startTinySubgraph, type TinySubgraph } from '../support/tiny-subgraph.ts';
import { bearer, FED, graphql, startReplicaGateway } from './replica-gateway.ts';

const SDL = `${FED}\ntype Query { whoami: String }\ntype Mutation { bump: Int }`;

interface ReadyBody {
  ready: boolean;
  subgraphs: { name: string; ok: boolean; replicas?: { url: string; ok: boolean }[] }[];
}

let keys: { privateKeyPem: string; publicKeyPem: string };
const servers: { stop(): Promise<void> }[] = [];
const gateways: GatewayApp[] = [];

type Replica = TinySubgraph & { bumps: number };

/** One replica of the `accounts` subgraph: it verifies the gateway's assertion and counts what it ran. */
async function startReplica(): Promise<Replica> {
  const replica: Replica = Object.assign(
    await startTinySubgraph(
      SDL,
      {
        Query: { whoami: (_parent, _args, context) => context.actorHeader ?? null },
        Mutation: { bump: (): number => (replica.bumps += 1) },
      },
      await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: 'accounts' }),
    ),
    { bumps: 0 },
  );
  servers.push(replica);
  return replica;
}

function supergraphFor(replica: TinySubgraph): string {
  return composeSupergraph([{ name: 'accounts', url: replica.url, sdl: replica.sdl }]).supergraphSdl;
}

async function gatewayOver(first: TinySubgraph, urls: string[]) {
  const gateway = await startReplicaGateway({ supergraphSdl: supergraphFor(first), overrides: { accounts: urls }, privateKeyPem: keys.privateKeyPem });
  gateways.push(gateway.app);
  return gateway;
}

async function ready(baseUrl: string): Promise<{ status: number; body: ReadyBody }> {
  const response = await fetch(`${baseUrl}/ready`);
  return { status: response.status, body: (await response.json()) as ReadyBody };
}

beforeAll(async () => {
  keys = await generateAssertionKeyPair();
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop().catch(() => undefined);
  for (const server of servers) await server.stop().catch(() => undefined);
});

describe('a subgraph with two replicas behind the gateway', () => {
  let one: Replica;
  let two: Replica;
  let graphqlUrl: string;
  let baseUrl: string;
  let authorization: string;

  beforeAll(async () => {
    [one, two] = [await startReplica(), await startReplica()];
    ({ graphqlUrl, baseUrl } = await gatewayOver(one, [one.url, two.url]));
    authorization = await bearer('alice');
  });

  it('spreads the requests over both replicas, each signed for the caller', async () => {
    for (let i = 0; i < 10; i += 1) {
      const { body } = await graphql(graphqlUrl, '{ whoami }', authorization);
      expect(body.errors).toBeUndefined();
      expect(JSON.parse(String(body.data?.['whoami']))).toEqual({ customerId: 'alice', role: 'customer' });
    }
    expect([one.received.length, two.received.length]).toEqual([5, 5]);
    expect([...one.received, ...two.received].filter((r) => r.untrusted)).toEqual([]);
  });

  it('is ready while both answer, and lists each replica', async () => {
    const { status, body } = await ready(baseUrl);
    expect(status).toBe(200);
    expect(body.subgraphs[0]?.replicas?.map((r) => [r.url, r.ok])).toEqual([
      [one.url, true],
      [two.url, true],
    ]);
  });

  it('answers every query and mutation from the remaining replica once one is stopped, and stays ready', async () => {
    await two.stop();
    const before = { one: one.received.length, two: two.received.length, bumps: one.bumps };
    const sequential = [];
    for (let i = 0; i < 20; i += 1) sequential.push(await graphql(graphqlUrl, i % 2 === 0 ? '{ whoami }' : 'mutation { bump }', authorization));
    // In parallel too, so several requests meet the stopped replica at once.
    const parallel = await Promise.all(Array.from({ length: 10 }, () => graphql(graphqlUrl, 'mutation { bump }', authorization)));
    const answers = [...sequential, ...parallel];
    expect(answers.filter((a) => a.status !== 200 || a.body.errors)).toEqual([]);
    expect(one.received.length - before.one).toBe(30);
    expect(two.received.length).toBe(before.two);
    // Every mutation ran exactly once: on the remaining replica.
    expect(one.bumps - before.bumps).toBe(20);

    const { status, body } = await ready(baseUrl);
    expect(status).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.subgraphs[0]?.replicas?.map((r) => [r.url, r.ok])).toEqual([
      [one.url, true],
      [two.url, false],
    ]);
  });

  it('is not ready, and answers with the usual error, once both are stopped', async () => {
    await one.stop();
    const { status, body } = await ready(baseUrl);
    expect(status).toBe(503);
    expect(body.ready).toBe(false);
    expect(body.subgraphs[0]?.ok).toBe(false);
    const answer = await graphql(graphqlUrl, '{ whoami }', authorization);
    expect(answer.body.data?.['whoami'] ?? null).toBeNull();
    expect(answer.body.errors?.[0]?.message).toMatch(/ECONNREFUSED/);
  });
});

describe('a replica that fails after the request was sent', () => {
  it('is not retried on another replica: the request may have run there', async () => {
    const good = await startReplica();
    // Reads the whole request, then drops the connection without answering.
    let dropped = 0;
    const dropping: Server = createServer((req) => {
      req.resume();
      req.on('end', () => {
        dropped += 1;
        req.socket.destroy();
      });
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    servers.push({ stop: () => new Promise<void>((resolve) => dropping.close(() => resolve())) });
    const droppingUrl = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}/`;
    const { graphqlUrl } = await gatewayOver(good, [good.url, droppingUrl]);
    const authorization = await bearer('bob');

    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await graphql(graphqlUrl, 'mutation { bump }', authorization));
    const failed = answers.filter((a) => a.body.errors);
    expect(dropped).toBeGreaterThan(0);
    expect(failed).toHaveLength(dropped);
    // Each mutation ran at most once: the ones the dropping replica took were not sent on to the good one.
    expect(good.bumps).toBe(answers.length - dropped);
  });
});
