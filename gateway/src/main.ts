/**
 * Starts the gateway: config from the environment, tracing (the instrumentations come from the
 * preload the launcher and the Dockerfile give node), the composed supergraph from disk.
 * Prints `gateway ready at <url>` on stdout once it serves; SIGTERM/SIGINT stop it gracefully
 * (the last spans are exported before it exits); SIGHUP reloads the supergraph file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createAssertionSigner } from '@tributary/http';
import { createLogger, type Logger } from '@tributary/telemetry';
import { startTracing } from '@tributary/telemetry/tracing/start';
import { createGatewayApp } from './app.ts';
import { loadVerificationKey } from './auth/verification-key.ts';
import { createTokenVerifier } from './auth/verify-token.ts';
import { ConfigError, loadConfig, type GatewayConfig } from './config.ts';
import { createRateLimitRedis } from './rate-limit/redis-client.ts';
import { createRedisRateLimiter, type RateLimiter } from './rate-limit/redis-limiter.ts';

async function readSupergraph(supergraphPath: string): Promise<string> {
  try {
    return await readFile(supergraphPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(`supergraph not found at ${path.resolve(supergraphPath)}: run npm run compose:supergraph`);
    }
    throw error;
  }
}

/** The limiter over its own Redis connection, or undefined (and a log line) without REDIS_URL. */
function createRateLimiter(config: GatewayConfig, logger: Logger): RateLimiter | undefined {
  const { redisUrl, customer, anonymous } = config.rateLimit;
  if (!redisUrl) {
    logger.warn('rate limiting is off: REDIS_URL is not set');
    return undefined;
  }
  // Connection errors repeat on every reconnect attempt; the limiter's fail-open warning
  // (throttled) is the operator's signal, so these stay at debug level.
  const redis = createRateLimitRedis({ url: redisUrl, onError: (err) => logger.debug({ err }, 'rate-limit redis connection error') });
  logger.info({ customer, anonymous }, 'rate limiting on (per customer, and per IP for anonymous callers)');
  return createRedisRateLimiter({ redis, customer, anonymous });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('gateway', config.logLevel);
  const tracing = startTracing({ service: 'gateway', config: config.tracing, logger });
  const supergraphSdl = await readSupergraph(config.supergraphPath);
  const key = await loadVerificationKey(config.auth.keys);
  const verifyToken = createTokenVerifier({ key, issuer: config.auth.issuer, audience: config.auth.audience });
  const signingKeyPem = config.signingKey.kind === 'pem' ? config.signingKey.pem : await readFile(config.signingKey.path, 'utf8');
  const signer = await createAssertionSigner({ privateKeyPem: signingKeyPem });
  const rateLimiter = createRateLimiter(config, logger);
  const app = createGatewayApp({ config, logger, supergraphSdl, verifyToken, signer, rateLimiter });

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    // A second signal while draining does not start a second shutdown.
    stopping ??= (async () => {
      logger.info({ signal }, 'stopping gateway');
      try {
        await app.stop();
        logger.info('gateway stopped');
      } catch (error) {
        logger.error({ err: error }, 'gateway stop failed');
        process.exitCode = 1;
      }
      await tracing.shutdown();
    })();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  // SIGHUP: serve a re-composed supergraph.graphql without a restart (open subscriptions end
  // with SCHEMA_RELOADED and clients subscribe again against the new graph).
  process.on('SIGHUP', () => {
    readSupergraph(config.supergraphPath)
      .then((sdl) => {
        app.reloadSupergraph(sdl);
        logger.info({ path: config.supergraphPath }, 'supergraph reloaded');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'supergraph reload failed; still serving the previous one'));
  });

  const url = await app.start();
  process.stdout.write(`gateway ready at ${url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
