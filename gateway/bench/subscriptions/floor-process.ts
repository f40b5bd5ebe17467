/**
 * The floor: a bare graphql-ws server (useServer on a ws WebSocketServer, a graphql-js schema)
 * with the same `pulses` subscription, fed in process. No auth, limits, federation or sharing:
 * what any graphql-ws server pays per subscriber, measured next to the gateway in the same run.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { profilerHandlers } from './profiler.ts';
import { serveDriver } from './ipc.ts';
import { FLOOR_SDL, PulseFeed } from './pulses.ts';
import { installSendClock } from './send-clock.ts';

/** The gateway's default ping interval (SUBSCRIPTION_KEEPALIVE_MS), so both servers ping alike. */
const KEEPALIVE_MS = 12_000;

const sendClock = installSendClock();
const feed = new PulseFeed();
const schema = buildSchema(FLOOR_SDL);
const pulses = schema.getSubscriptionType()?.getFields()['pulses'];
if (!pulses) throw new Error('the floor schema has no Subscription.pulses');
pulses.subscribe = () => feed.subscribe();

const httpServer = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
const graphqlWs = useServer({ schema }, wss, KEEPALIVE_MS);
await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const { port } = httpServer.address() as AddressInfo;

const driver = serveDriver({
  emit: ({ seq, bodyBytes }: { seq: number; bodyBytes: number }) => feed.emit(seq, bodyBytes),
  active: () => feed.active,
  lastSend: () => sendClock.lastSendAt(),
  ...profilerHandlers(),
  async stop() {
    await graphqlWs.dispose();
    setImmediate(() => process.exit(0));
  },
});
driver.notify('ready', { url: `ws://127.0.0.1:${port}/graphql` });
