// The HTTP transport's shared flights (http-transport.ts): concurrent identical shareable requests
// of one caller leave as one HTTP request; anything else is sent as asked. And a subgraph that
// refuses the connection is reported as Apollo's gateway words it, with the cause's code kept.
// All servers on 127.0.0.1; all requests in one test are started in the same tick, so "concurrent"
// needs no timing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/auth/gateway-context.ts';
import { buildFederatedSchema } from '../../src/executor/federated-schema.ts';
import { createHttpTransport, type HttpTransport } from '../../src/executor/http-transport.ts';
import { createPlanExecutor } from '../../src/executor/plan-executor.ts';
import type { SubgraphRequest } from '../../src/executor/types.ts';
import { deadSubgraphUrl } from '../federation/support/dead-url.ts';
import { startCountingServer, type CountingServer } from './support/counting-server.ts';
import { inProcessFederation } from './support/in-process-federation.ts';
import { runOperation } from './support/shop-executor.ts';
import { SHOP } from './support/shop-subgraphs.ts';

const REQUEST: SubgraphRequest = { query: '{ request }', variables: {} };
const alice: GatewayContext = { actor: { customerId: 'alice', role: 'customer' } };
const bob: GatewayContext = { actor: { customerId: 'bob', role: 'customer' } };
const aliceAsAdmin: GatewayContext = { actor: { customerId: 'alice', role: 'admin' } };
const anonymous: GatewayContext = {};

describe('http transport: shared flights', () => {
  let server: CountingServer;
  let transport: HttpTransport;
  let joined: string[];

  beforeEach(async () => {
    server = await startCountingServer();
    joined = [];
    transport = createHttpTransport({ urls: { sub: server.url }, dedup: { onJoined: (subgraph) => void joined.push(subgraph) } });
  });
  afterEach(async () => {
    await transport.close();
    await server.stop();
  });

  it('sends concurrent identical shareable requests once and hands each the same answer', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => transport('sub', REQUEST, { context: alice, shareable: true })));
    expect(server.received).toHaveLength(1);
    expect(JSON.parse(server.received[0]!.body)).toEqual(REQUEST);
    expect(joined).toEqual(['sub', 'sub', 'sub', 'sub']);
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toEqual({ data: { request: 1 } });
  });

  it('sends each non-shareable request (a mutation’s)', async () => {
    const answers = await Promise.all(Array.from({ length: 3 }, () => transport('sub', REQUEST, { context: alice, shareable: false })));
    expect(server.received).toHaveLength(3);
    expect(joined).toEqual([]);
    expect(answers.map((a) => a.data?.['request']).sort()).toEqual([1, 2, 3]);
  });

  it('never shares between different callers', async () => {
    const callers = [alice, bob, aliceAsAdmin, anonymous, alice, anonymous];
    await Promise.all(callers.map((context) => transport('sub', REQUEST, { context, shareable: true })));
    expect(server.received).toHaveLength(4);
    expect(joined).toHaveLength(2);
  });

  it('never shares requests whose bodies differ', async () => {
    const requests = [REQUEST, { ...REQUEST, variables: { x: 1 } }, { ...REQUEST, operationName: 'Other' }];
    await Promise.all(requests.map((request) => transport('sub', request, { context: alice, shareable: true })));
    expect(server.received).toHaveLength(3);
  });

  it('shares nothing once a flight has landed (no cache)', async () => {
    const first = await transport('sub', REQUEST, { context: alice, shareable: true });
    const second = await transport('sub', REQUEST, { context: alice, shareable: true });
    expect([first, second]).toEqual([{ data: { request: 1 } }, { data: { request: 2 } }]);
    expect(server.received).toHaveLength(2);
  });

  it('shares nothing without the dedup option', async () => {
    const plain = createHttpTransport({ urls: { sub: server.url } });
    try {
      await Promise.all(Array.from({ length: 3 }, () => plain('sub', REQUEST, { context: alice, shareable: true })));
      expect(server.received).toHaveLength(3);
    } finally {
      await plain.close();
    }
  });
});

describe('http transport: a subgraph that is down', () => {
  it('words the failure as Apollo’s gateway does and keeps cause.code ECONNREFUSED', async () => {
    const url = await deadSubgraphUrl();
    const transport = createHttpTransport({ urls: { sub: url } });
    try {
      const error = await transport('sub', REQUEST, { context: alice, shareable: true }).then(
        () => undefined,
        (e: unknown) => e as Error & { cause?: { code?: string; message?: string } },
      );
      expect(error).toBeInstanceOf(Error);
      expect(error!.message.startsWith(`request to ${url} failed, reason: `)).toBe(true);
      expect(error!.cause?.code).toBe('ECONNREFUSED');
      expect(error!.message).toBe(`request to ${url} failed, reason: ${error!.cause?.message}`);
    } finally {
      await transport.close();
    }
  });

  it('reports it to the client as an error of that subgraph, the other subgraphs still answering', async () => {
    const federation = inProcessFederation(SHOP);
    const schema = buildFederatedSchema(federation.supergraphSdl);
    const url = await deadSubgraphUrl();
    const http = createHttpTransport({ urls: { reviews: url } });
    try {
      // catalog answers in process, reviews over HTTP to the dead port.
      const executor = createPlanExecutor({ schema, transport: (subgraph, request, options) => (subgraph === 'reviews' ? http(subgraph, request, options) : federation.transport(subgraph, request, options)) });
      const result = await runOperation(executor, '{ me { name reviews { body } } }');
      expect(result.data).toEqual({ me: { name: 'name of u1', reviews: null } });
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.message.startsWith(`request to ${url} failed, reason: `)).toBe(true);
      expect(result.errors![0]!.extensions?.['serviceName']).toBe('reviews');
    } finally {
      await http.close();
    }
  });
});
