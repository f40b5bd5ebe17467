// Hive Gateway's programmatic runtime on node:http, with its own JavaScript query planner or with
// the Rust query planner of @graphql-hive/router-runtime plugged in (unifiedGraphHandler).
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayProcessArgs, RunningGateway } from './types.ts';

// The Hive packages are loaded by name, without their type declarations: graphql-yoga's augment
// graphql's GraphQLErrorExtensions (`http.headers` as a plain record), which would change the types
// of the gateway's own code once this file is in the gateway's tsconfig. Only this much is used:
interface HiveRuntime extends RequestListener {
  dispose(): Promise<void> | void;
}
interface HiveRuntimeModule {
  createGatewayRuntime(config: {
    supergraph: () => string;
    logging: string;
    inboundInflightRequestDeduplication: boolean;
    unifiedGraphHandler?: unknown;
  }): HiveRuntime;
}
interface RouterRuntimeModule {
  unifiedGraphHandler: unknown;
}
const GATEWAY_RUNTIME = '@graphql-hive/gateway-runtime';
const ROUTER_RUNTIME = '@graphql-hive/router-runtime';

export async function startHive(args: GatewayProcessArgs): Promise<RunningGateway> {
  const { createGatewayRuntime } = (await import(GATEWAY_RUNTIME)) as HiveRuntimeModule;
  const routerRuntime = args.kind === 'hive-router' ? ((await import(ROUTER_RUNTIME)) as RouterRuntimeModule) : undefined;
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
