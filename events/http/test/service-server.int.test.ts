import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealth, createLogger, createMetricsRegistry } from '../../telemetry/index.ts';
import { createServiceServer, type ServiceServer } from '../service-server.ts';

let apollo: ApolloServer<{ caller: string }>;
let base: string;
let dependencyUp = true;
let server: ServiceServer;

beforeAll(async () => {
  apollo = new ApolloServer<{ caller: string }>({
    typeDefs: 'type Query { caller: String! }',
    resolvers: { Query: { caller: (_: unknown, __: unknown, ctx: { caller: string }) => ctx.caller } },
  });
  await apollo.start();
  server = createServiceServer({
    apollo,
    context: async (req) => ({ caller: String(req.headers['x-caller'] ?? 'nobody') }),
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

describe('service HTTP server', () => {
  it('serves GraphQL with the context built from the request', async () => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-caller': 'alice' },
      body: JSON.stringify({ query: '{ caller }' }),
    });
    expect(await response.json()).toEqual({ data: { caller: 'alice' } });
  });

  it('answers a body that is not JSON with 400 and a code', async () => {
    const response = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  it('reports liveness, readiness from its checks, and metrics', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    dependencyUp = false;
    const notReady = await fetch(`${base}/ready`);
    expect(notReady.status).toBe(503);
    expect(JSON.stringify(await notReady.json())).toContain('dependency is down');
    dependencyUp = true;
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/\{service="probe"\}/);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
  });
});
