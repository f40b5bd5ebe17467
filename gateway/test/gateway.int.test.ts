import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssertionSigner, createAssertionVerifier, generateAssertionKeyPair } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp, type GatewayApp } from '../src/app.ts';
import { ensureDevSecret } from '../src/auth/dev-secret.ts';
import { createTokenVerifier } from '../src/auth/verify-token.ts';
import { composeSupergraph } from '../src/supergraph/compose.ts';
import { startTinySubgraph, type TinySubgraph } from './support/tiny-subgraph.ts';

const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

let tmpDir: string;
let secret: string;
let accounts: TinySubgraph;
let extra: TinySubgraph;
let gateway: GatewayApp;
let graphqlUrl: string;
let baseUrl: string;
let supergraph: string;
let signingKey: string;

function sign(customerId: string, key = secret, role = 'customer') {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(customerId)
    .setIssuer('tributary')
    .setAudience('tributary')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(key));
}

async function graphql(query: string, headers: Record<string, string> = {}) {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] } };
}

beforeAll(async () => {
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-gateway-'));
  secret = await ensureDevSecret(path.join(tmpDir, 'auth', 'jwt-secret'));
  const keys = await generateAssertionKeyPair();
  signingKey = keys.privateKeyPem;
  const verifier = await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: 'accounts' });
  accounts = await startTinySubgraph(`${FED}\ntype Query { whoami: String, slow(ms: Int!): String }`, {
    Query: {
      whoami: (_parent, _args, context) => context.actorHeader ?? null,
      slow: async (_parent, args) => {
        await new Promise((resolve) => setTimeout(resolve, Number(args['ms'])));
        return 'done';
      },
    },
  }, verifier);
  extra = await startTinySubgraph(`${FED}\ntype Query { ping: String }`, { Query: { ping: () => 'pong' } });
  const { supergraphSdl } = composeSupergraph([
    { name: 'accounts', url: accounts.url, sdl: accounts.sdl },
    { name: 'extra', url: extra.url, sdl: extra.sdl },
  ]);
  supergraph = supergraphSdl;
  gateway = createGatewayApp({
    // Introspection on, as in development: the landing page test below needs the playground.
    config: { host: '127.0.0.1', port: 0, subgraphUrlOverrides: {}, readyTimeoutMs: 1000, shutdownGraceMs: 2000, introspection: true },
    logger: createLogger('gateway-test', 'silent'),
    supergraphSdl,
    verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: new TextEncoder().encode(secret) }, issuer: 'tributary', audience: 'tributary' }),
    signer: await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }),
  });
  graphqlUrl = await gateway.start();
  baseUrl = graphqlUrl.replace(/\/graphql$/, '');
});

afterAll(async () => {
  await gateway?.stop().catch(() => undefined);
  await accounts?.stop().catch(() => undefined);
  await extra?.stop().catch(() => undefined);
  if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
});

describe('gateway', () => {
  it('keeps the dev secret private and stable', async () => {
    const secretPath = path.join(tmpDir, 'auth', 'jwt-secret');
    expect((await stat(secretPath)).mode & 0o777).toBe(0o600);
    expect(await ensureDevSecret(secretPath)).toBe(secret);
    expect((await readFile(secretPath, 'utf8')).trim()).toHaveLength(43);
  });

  it('sends anonymous requests without an actor', async () => {
    const { status, body } = await graphql('{ whoami }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { whoami: null } });
  });

  it('forwards the verified actor to the subgraph', async () => {
    const { body } = await graphql('{ whoami }', { authorization: `Bearer ${await sign('c-7')}` });
    expect(JSON.parse(String(body.data?.['whoami']))).toEqual({ customerId: 'c-7', role: 'customer' });
    const admin = await graphql('{ whoami }', { authorization: `Bearer ${await sign('ops', secret, 'admin')}` });
    expect(JSON.parse(String(admin.body.data?.['whoami']))).toEqual({ customerId: 'ops', role: 'admin' });
  });

  it('signs every subgraph request with an assertion the subgraph accepts', () => {
    expect(accounts.received.length).toBeGreaterThan(0);
    expect(accounts.received.filter((request) => request.untrusted)).toEqual([]);
  });

  it('ignores identity headers supplied by the client', async () => {
    const spoof = JSON.stringify({ customerId: 'mallory', role: 'admin' });
    const headers = { 'x-tributary-actor': spoof, 'x-tributary-assertion': 'forged', 'x-tributary-pending-actor': spoof };
    const anonymous = await graphql('{ whoami }', headers);
    expect(anonymous.body).toEqual({ data: { whoami: null } });
    const withToken = await graphql('{ whoami }', { ...headers, authorization: `Bearer ${await sign('c-8')}` });
    expect(JSON.parse(String(withToken.body.data?.['whoami']))).toEqual({ customerId: 'c-8', role: 'customer' });
  });

  it('rejects a forged token with UNAUTHENTICATED before any subgraph call', async () => {
    const before = accounts.received.length;
    const forged = await sign('c-9', 'a-different-secret-a-different-secret-0123');
    const { status, body } = await graphql('{ whoami }', { authorization: `Bearer ${forged}` });
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(/signature/);
    const malformed = await graphql('{ whoami }', { authorization: 'Bearer nonsense' });
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(accounts.received.length).toBe(before);
  });

  it('serves the landing page to browsers on GET /graphql', async () => {
    const response = await fetch(graphqlUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    // GraphiQL, bundled by the gateway (playground.int.test.ts has the details).
    expect(await response.text()).toContain('<script type="module" src="/playground/app.js">');
  });

  it('answers liveness on /health and 404 elsewhere', async () => {
    expect((await fetch(`${baseUrl}/nope`)).status).toBe(404);
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves Prometheus metrics labelled with the service', async () => {
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/^process_cpu_user_seconds_total\{service="gateway"\} \d/m);
  });

  it('is ready while every subgraph answers, and names the one that stops', async () => {
    const ready = await fetch(`${baseUrl}/ready`);
    const readyBody = (await ready.json()) as { ready: boolean; subgraphs: { name: string; ok: boolean }[] };
    expect(ready.status).toBe(200);
    expect(readyBody.ready).toBe(true);
    expect(readyBody.subgraphs.map((s) => [s.name, s.ok])).toEqual([
      ['accounts', true],
      ['extra', true],
    ]);

    await extra.stop();
    const notReady = await fetch(`${baseUrl}/ready`);
    const body = (await notReady.json()) as { ready: boolean; supergraphLoaded: boolean; subgraphs: { name: string; ok: boolean; error?: string }[] };
    expect(notReady.status).toBe(503);
    expect(body.supergraphLoaded).toBe(true);
    expect(body.subgraphs.find((s) => s.name === 'accounts')?.ok).toBe(true);
    expect(body.subgraphs.find((s) => s.name === 'extra')).toMatchObject({ ok: false, error: expect.any(String) });
  });

  it('finishes in-flight requests on graceful stop, then refuses connections', async () => {
    const inFlight = graphql('{ slow(ms: 400) }');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await gateway.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await inFlight).body).toEqual({ data: { slow: 'done' } });
    await expect(fetch(`${baseUrl}/health`)).rejects.toThrow();
  });

  it('stops cleanly when stop() arrives while start() is still running (SIGTERM during startup)', async () => {
    const early = createGatewayApp({
      config: { host: '127.0.0.1', port: 0, subgraphUrlOverrides: {}, readyTimeoutMs: 1000, shutdownGraceMs: 500 },
      logger: createLogger('gateway-test', 'silent'),
      supergraphSdl: supergraph,
      signer: await createAssertionSigner({ privateKeyPem: signingKey }),
      verifyToken: async () => undefined,
    });
    const starting = early.start();
    const [started, stopped] = await Promise.allSettled([starting, early.stop()]);
    expect(stopped.status).toBe('fulfilled');
    if (started.status === 'fulfilled') await expect(fetch(started.value.replace(/\/graphql$/, '/health'))).rejects.toThrow();
    expect(early.httpServer.listening).toBe(false);
  });
});
