import { GraphQLError } from 'graphql';
import { createAssertionSigner, createAssertionVerifier, generateAssertionKeyPair } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp, type GatewayApp } from '../../src/app.ts';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import { composeSupergraph } from '../../src/supergraph/compose.ts';
import { signDevToken } from '../../src/auth/dev-token.ts';
import { scrape, total } from '../support/metrics-text.ts';
import { startTinySubgraph, type TinySubgraph } from '../support/tiny-subgraph.ts';

const SECRET = 'a-test-secret-for-the-dedup-tests-hs256!!!!';
const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const SUBGRAPH = 'catalog';

/**
 * A gate the subgraph's resolvers wait on, so concurrent requests are surely in flight together
 * until the test opens it. Open by default (sequential tests need no gate).
 */
class Gate {
  private opened: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;
  close(): void {
    this.opened = new Promise((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release();
    this.opened = Promise.resolve();
  }
  wait(): Promise<void> {
    return this.opened;
  }
}

export interface DedupFixture {
  gate: Gate;
  subgraph: TinySubgraph;
  graphqlUrl: string;
  /** Requests the subgraph received (every kind, in order). */
  calls(): number;
  /** graphql_subgraph_fetches_deduplicated_total for the subgraph. */
  deduplicated(): Promise<number>;
  stop(): Promise<void>;
}

/** A gated, counting, assertion-checking subgraph behind a real gateway (dedup per `dedup`). */
export async function startDedupFixture(options: { dedup?: boolean } = {}): Promise<DedupFixture> {
  const gate = new Gate();
  const keys = await generateAssertionKeyPair();
  const verifier = await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, audience: SUBGRAPH });
  let bumps = 0;
  const subgraph = await startTinySubgraph(
    `${FED}
    type Query { product(id: ID!): Product, whoami: String, broken: String }
    type Product { id: ID!, name: String }
    type Mutation { bump: Int }`,
    {
      Query: {
        product: async (_parent, args) => {
          await gate.wait();
          return { id: args['id'], name: `product ${String(args['id'])}` };
        },
        whoami: async (_parent, _args, context) => {
          await gate.wait();
          return context.actorHeader ?? null;
        },
        broken: async () => {
          await gate.wait();
          throw new GraphQLError('out of stock', { extensions: { code: 'OUT_OF_STOCK' } });
        },
      },
      Mutation: {
        bump: async () => {
          await gate.wait();
          bumps += 1;
          return bumps;
        },
      },
    },
    verifier,
  );
  const { supergraphSdl } = composeSupergraph([{ name: SUBGRAPH, url: subgraph.url, sdl: subgraph.sdl }]);
  const app: GatewayApp = createGatewayApp({
    config: {
      host: '127.0.0.1',
      port: 0,
      subgraphUrlOverrides: {},
      readyTimeoutMs: 1000,
      shutdownGraceMs: 1000,
      subgraphRequestDedup: options.dedup ?? true,
    },
    logger: createLogger('dedup-test', (process.env['TEST_LOG_LEVEL'] as 'debug' | undefined) ?? 'silent'),
    supergraphSdl,
    verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: new TextEncoder().encode(SECRET) }, issuer: 'tributary', audience: 'tributary' }),
    signer: await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }),
  });
  const graphqlUrl = await app.start();
  return {
    gate,
    subgraph,
    graphqlUrl,
    calls: () => subgraph.received.length,
    deduplicated: async () => total(await scrape(graphqlUrl), 'graphql_subgraph_fetches_deduplicated_total', { subgraph: SUBGRAPH }),
    async stop() {
      gate.open();
      await app.stop().catch(() => undefined);
      await subgraph.stop().catch(() => undefined);
    },
  };
}

/** A customer's bearer token for the fixture's gateway. */
export async function bearer(customerId: string, role: 'customer' | 'admin' = 'customer'): Promise<string> {
  return `Bearer ${await signDevToken(SECRET, { customerId, role, ttl: '5m' })}`;
}

export interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export async function graphql(graphqlUrl: string, query: string, options: { variables?: Record<string, unknown>; authorization?: string } = {}): Promise<Answer> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.authorization ? { authorization: options.authorization } : {}) },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return (await response.json()) as Answer;
}

/** Polls (bounded) until `condition` holds; throws after `timeoutMs` so a test fails, never hangs. */
export async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
