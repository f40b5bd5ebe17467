// Hive Gateway's programmatic runtime on node:http, with its own JavaScript query planner or with
// the Rust query planner of @graphql-hive/router-runtime plugged in (unifiedGraphHandler).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { GatewayProcessArgs, RunningGateway } from './types.ts';

export async function startHive(args: GatewayProcessArgs): Promise<RunningGateway> {
  const routerRuntime = args.kind === 'hive-router' ? await import('@graphql-hive/router-runtime') : undefined;
  const runtime = createGatewayRuntime({
    supergraph: () => args.supergraphSdl,
    logging: 'warn',
    inboundInflightRequestDeduplication: args.inboundDedup,
    ...(routerRuntime ? { unifiedGraphHandler: routerRuntime.unifiedGraphHandler } : {}),
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
