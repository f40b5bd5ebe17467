import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@tributary/contracts';
import { createHealth, createLogger, createMetricsRegistry } from '../../telemetry/index.ts';
import {
  ASSERTION_HEADER,
  createAssertionSigner,
  createAssertionVerifier,
  generateAssertionKeyPair,
  type AssertionSigner,
} from '../gateway-assertion.ts';
import { createServiceServer, type ServiceServer } from '../service-server.ts';

interface ProbeContext {
  caller: string;
  actor: Actor | null;
}

const AUDIENCE = 'probe';
const alice: Actor = { customerId: 'alice', role: 'customer' };

let apollo: ApolloServer<ProbeContext>;
let base: string;
let dependencyUp = true;
let resolverRuns = 0;
let server: ServiceServer;
let signer: AssertionSigner;

beforeAll(async () => {
  const keys = await generateAssertionKeyPair();
  signer = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
  apollo = new ApolloServer<ProbeContext>({
    typeDefs: 'type Query { caller: String! actor: String! }',
    resolvers: {
      Query: {
        caller: (_: unknown, __: unknown, ctx: ProbeContext) => {
          resolverRuns += 1;
          return ctx.caller;
        },
        actor: (_: unknown, __: unknown, ctx: ProbeContext) => {
          resolverRuns += 1;
          return ctx.actor ? `${ctx.actor.role}:${ctx.actor.customerId}` : 'anonymous';
        },
      },
    },
  });
  await apollo.start();
  server = createServiceServer({
    apollo,
    verifier: await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: AUDIENCE }),
    context: async (req, actor) => ({ caller: String(req.headers['x-caller'] ?? 'nobody'), actor }),
    ready: createHealth({
      dependency: async () => {
        if (!dependencyUp) throw new Error('dependency is down');
      },
    }),
    metrics: createMetricsRegistry({ service: 'probe' }),
    logger: createLogger('service-server-test', 'silent'),
  });
  base = (await server.listen(0, '127.0.0.1')).replace(/\/graphql$/, '');
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
  await apollo?.stop();
});

/** POSTs `body` to /graphql as the gateway would: signed for this subgraph, unless `actor` is undefined. */
async function post(body: string, options: { actor?: Actor | null; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.actor !== undefined) headers[ASSERTION_HEADER] = await signer.sign(AUDIENCE, options.actor, body);
  return fetch(`${base}/graphql`, { method: 'POST', headers, body });
}

type ErrorBody = { errors: { message: string; extensions: { code: string } }[] };

describe('service HTTP server: GraphQL', () => {
  it('serves a signed request with the context built from the request and the verified actor', async () => {
    const response = await post(JSON.stringify({ query: '{ caller actor }' }), { actor: alice, headers: { 'x-caller': 'alice-ui' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { caller: 'alice-ui', actor: 'customer:alice' } });
  });

  it('gives resolvers a null actor for a signed anonymous request', async () => {
    const response = await post(JSON.stringify({ query: '{ actor }' }), { actor: null });
    expect(await response.json()).toEqual({ data: { actor: 'anonymous' } });
  });

  it('refuses an unsigned POST with 401 UNAUTHENTICATED before any resolver runs', async () => {
    const before = resolverRuns;
    const response = await post(JSON.stringify({ query: '{ caller actor }' }));
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as ErrorBody;
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0]!.message).toMatch(/missing x-tributary-assertion/);
    expect(resolverRuns).toBe(before);
  });

  it('refuses a signed assertion replayed with another body, and a replay of the same request', async () => {
    const before = resolverRuns;
    const body = JSON.stringify({ query: '{ actor }' });
    const assertion = await signer.sign(AUDIENCE, { customerId: 'root', role: 'admin' }, body);
    const send = (text: string) =>
      fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', [ASSERTION_HEADER]: assertion }, body: text });
    const tampered = await send(JSON.stringify({ query: '{ caller }' }));
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as ErrorBody).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(resolverRuns).toBe(before);
    expect((await send(body)).status).toBe(200);
    expect(resolverRuns).toBe(before + 1);
    expect((await send(body)).status).toBe(401);
    expect(resolverRuns).toBe(before + 1);
  });

  it('refuses an assertion made for another subgraph', async () => {
    const body = JSON.stringify({ query: '{ caller }' });
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ASSERTION_HEADER]: await signer.sign('payment', alice, body) },
      body,
    });
    expect(response.status).toBe(401);
  });

  it('serves a signed GET, the assertion covering its query string', async () => {
    const search = `?query=${encodeURIComponent('{ actor }')}`;
    const get = async (assertedFor: string) =>
      fetch(`${base}/graphql${search}`, {
        headers: { 'apollo-require-preflight': 'true', [ASSERTION_HEADER]: await signer.sign(AUDIENCE, alice, assertedFor) },
      });
    const signed = await get(search);
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ data: { actor: 'customer:alice' } });
    expect((await get('?query=%7B%20caller%20%7D')).status).toBe(401);
  });

  it('answers a signed body that is not JSON with 400 and a code', async () => {
    const response = await post('{oops', { actor: alice });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  it('answers an unsigned body that is not JSON with 401: nothing is parsed for strangers', async () => {
    expect((await post('{oops')).status).toBe(401);
  });
});

describe('service HTTP server: operational routes', () => {
  it('reports liveness, readiness from its checks, and metrics, without any assertion', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    dependencyUp = false;
    try {
      const notReady = await fetch(`${base}/ready`);
      expect(notReady.status).toBe(503);
      expect(JSON.stringify(await notReady.json())).toContain('dependency is down');
    } finally {
      dependencyUp = true;
    }
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/\{service="probe"\}/);
  });

  it('answers unknown routes with 404 and other methods with 405', async () => {
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${base}/health`, { method: 'POST' })).status).toBe(405);
  });
});
