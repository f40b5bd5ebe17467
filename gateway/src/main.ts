/**
 * Starts the gateway: config from the environment, the composed supergraph from disk.
 * Prints `gateway ready at <url>` on stdout once it serves; SIGTERM/SIGINT stop it gracefully.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createAssertionSigner } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp } from './app.ts';
import { loadVerificationKey } from './auth/verification-key.ts';
import { createTokenVerifier } from './auth/verify-token.ts';
import { ConfigError, loadConfig } from './config.ts';

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

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('gateway', config.logLevel);
  const supergraphSdl = await readSupergraph(config.supergraphPath);
  const key = await loadVerificationKey(config.auth.keys);
  const verifyToken = createTokenVerifier({ key, issuer: config.auth.issuer, audience: config.auth.audience });
  const signingKeyPem = config.signingKey.kind === 'pem' ? config.signingKey.pem : await readFile(config.signingKey.path, 'utf8');
  const signer = await createAssertionSigner({ privateKeyPem: signingKeyPem });
  const app = createGatewayApp({ config, logger, supergraphSdl, verifyToken, signer });

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
    })();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  const url = await app.start();
  process.stdout.write(`gateway ready at ${url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
