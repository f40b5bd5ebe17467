/**
 * The gateway under test, as main.ts builds it (createGatewayApp, default subscription settings
 * and operation limits) but with its inputs from the driver: the supergraph over the upstream
 * subgraph, a fresh assertion key and the bench's HS256 secret. No rate limiter: 10,000
 * subscribers from one loopback address would be rate limited, which is not what is measured.
 * Environment: BENCH_SUPERGRAPH_SDL, BENCH_PRIVATE_KEY_PEM, BENCH_JWT_SECRET.
 */
import { createAssertionSigner } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp } from '../../src/app.ts';
import { createTokenVerifier } from '../../src/auth/verify-token.ts';
import { DEFAULT_SUBSCRIPTION_SETTINGS } from '../../src/subscriptions/gateway-subscriptions.ts';
import { profilerHandlers } from './profiler.ts';
import { serveDriver } from './ipc.ts';
import { installSendClock } from './send-clock.ts';

const env = (name: string) => process.env[name] ?? '';
const sendClock = installSendClock();
const app = createGatewayApp({
  config: {
    host: '127.0.0.1',
    port: 0,
    subgraphUrlOverrides: {},
    readyTimeoutMs: 1_000,
    shutdownGraceMs: 2_000,
    subscriptions: DEFAULT_SUBSCRIPTION_SETTINGS,
  },
  logger: createLogger('gateway', 'warn'),
  supergraphSdl: env('BENCH_SUPERGRAPH_SDL'),
  verifyToken: createTokenVerifier({ key: { kind: 'secret', secret: new TextEncoder().encode(env('BENCH_JWT_SECRET')) }, issuer: 'tributary', audience: 'tributary' }),
  signer: await createAssertionSigner({ privateKeyPem: env('BENCH_PRIVATE_KEY_PEM') }),
});
const url = await app.start();

const driver = serveDriver({
  lastSend: () => sendClock.lastSendAt(),
  ...profilerHandlers(),
  async stop() {
    await app.stop();
    setImmediate(() => process.exit(0));
  },
});
driver.notify('ready', { url: url.replace(/^http/, 'ws'), metricsUrl: url.replace(/\/graphql$/, '/metrics') });
