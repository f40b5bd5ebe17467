// Tributary's own gateway, as it ships: client JWT verified, every subgraph request signed.
import { createAssertionSigner } from '@tributary/http';
import { createLogger } from '@tributary/telemetry';
import { createGatewayApp } from '../../../src/app.ts';
import { createTokenVerifier } from '../../../src/auth/verify-token.ts';
import { DEFAULT_OPERATION_LIMITS } from '../../../src/limits/operation-limits.ts';
import type { GatewayProcessArgs, RunningGateway } from './types.ts';

export const BENCH_JWT_ISSUER = 'tributary';
export const BENCH_JWT_AUDIENCE = 'tributary';

export async function startTributary(args: GatewayProcessArgs): Promise<RunningGateway> {
  const app = createGatewayApp({
    config: {
      host: '127.0.0.1',
      port: 0,
      subgraphUrlOverrides: {},
      readyTimeoutMs: 2000,
      shutdownGraceMs: 1000,
      // The benchmark query nests four lists (cost 20^4 with the default list size), far above the
      // default cost budget; everything else stays at the shipped defaults.
      limits: { ...DEFAULT_OPERATION_LIMITS, maxCost: 100_000_000 },
      // As the gateway runs from main.ts (SUBGRAPH_REQUEST_DEDUP defaults to on there).
      subgraphRequestDedup: true,
    },
    logger: createLogger('bench-gateway', 'warn'),
    supergraphSdl: args.supergraphSdl,
    verifyToken: createTokenVerifier({
      key: { kind: 'secret', secret: new TextEncoder().encode(args.jwtSecret) },
      issuer: BENCH_JWT_ISSUER,
      audience: BENCH_JWT_AUDIENCE,
    }),
    signer: await createAssertionSigner({ privateKeyPem: args.signingKeyPem }),
  });
  const url = await app.start();
  return { url, stop: () => app.stop() };
}
