/**
 * The upstream subgraph of the gateway bench: `pulses` served like every Tributary subgraph
 * serves a subscription (Apollo on the service kit's HTTP server, graphql-ws beside it through
 * attachSubscriptionServer, trusting only the gateway's assertions). Emits when the driver says.
 * Environment: BENCH_PUBLIC_KEY_PEM (the gateway's assertion key).
 */
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { Registry } from 'prom-client';
import { attachSubscriptionServer, createAssertionVerifier, createServiceServer } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { serveDriver } from './ipc.ts';
import { PulseFeed, SUBGRAPH_NAME, SUBGRAPH_SDL } from './pulses.ts';

const logger = createLogger('bench-upstream', 'warn');
const feed = new PulseFeed();
const schema = buildSubgraphSchema({
  typeDefs: parse(SUBGRAPH_SDL),
  resolvers: {
    Query: { pulseCount: () => 0 },
    Subscription: { pulses: { subscribe: () => feed.subscribe() } },
  } as never,
});
const verifier = await createAssertionVerifier({ publicKeyPem: process.env['BENCH_PUBLIC_KEY_PEM'] ?? '', audience: SUBGRAPH_NAME });
const apollo = new ApolloServer({ schema, logger });
await apollo.start();
const server = createServiceServer({
  apollo,
  verifier,
  context: async () => ({}),
  ready: async () => ({ status: 'ok', checks: {} }) as never,
  metrics: new Registry(),
  logger,
});
const subscriptions = attachSubscriptionServer({ httpServer: server.httpServer, schema, verifier, context: () => ({}), logger });
const url = await server.listen(0, '127.0.0.1');

const driver = serveDriver({
  emit: ({ seq, bodyBytes }: { seq: number; bodyBytes: number }) => feed.emit(seq, bodyBytes),
  active: () => feed.active,
  async stop() {
    await subscriptions.close();
    await apollo.stop();
    server.httpServer.closeAllConnections();
    setImmediate(() => process.exit(0));
  },
});
driver.notify('ready', { url, sdl: SUBGRAPH_SDL });
