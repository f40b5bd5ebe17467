import { createAssertionSigner } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp, type GatewayApp } from '../../src/app.ts';
import { signDevToken } from '../../src/auth/dev-token.ts';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import type { SubgraphUrlOverrides } from '../../src/supergraph/subgraph-endpoints.ts';

const SECRET = 'a-test-secret-for-the-replica-tests-hs256!!';
export const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
export const logger = createLogger('replicas-test', (process.env['TEST_LOG_LEVEL'] as 'debug' | undefined) ?? 'silent');

/** A gateway on a free 127.0.0.1 port whose subgraphs run as the replicas `overrides` lists. */
export async function startReplicaGateway(options: {
  supergraphSdl: string;
  overrides: SubgraphUrlOverrides;
  privateKeyPem: string;
}): Promise<{ app: GatewayApp; graphqlUrl: string; baseUrl: string }> {
  const app = createGatewayApp({
    config: {
      host: '127.0.0.1',
      port: 0,
      subgraphUrlOverrides: options.overrides,
      readyTimeoutMs: 1000,
      shutdownGraceMs: 1000,
      // Quick upstream resubscribes, so a test does not wait out the production backoff.
      subscriptions: { maxPerConnection: 25, queueSize: 100, keepAliveMs: 12_000, reconnect: { minMs: 50, maxMs: 500 } },
    },
    logger,
    supergraphSdl: options.supergraphSdl,
    verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: new TextEncoder().encode(SECRET) }, issuer: 'tributary', audience: 'tributary' }),
    signer: await createAssertionSigner({ privateKeyPem: options.privateKeyPem }),
  });
  const graphqlUrl = await app.start();
  return { app, graphqlUrl, baseUrl: graphqlUrl.replace(/\/graphql$/, '') };
}

/** A customer's bearer token for the gateway above. */
export async function bearer(customerId: string): Promise<string> {
  return `Bearer ${await signDevToken(SECRET, { customerId, ttl: '5m' })}`;
}

export interface GraphQLAnswer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

export async function graphql(graphqlUrl: string, query: string, authorization?: string): Promise<GraphQLAnswer> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLAnswer['body'] };
}
