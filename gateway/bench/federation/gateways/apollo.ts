// Stock Apollo: @apollo/gateway inside @apollo/server's standalone server, default settings
// (as the public benchmark runs it, minus its cluster fork: one process, like the others).
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { GatewayProcessArgs, RunningGateway } from './types.ts';

export async function startApollo(args: GatewayProcessArgs): Promise<RunningGateway> {
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: args.supergraphSdl }) });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { url, stop: () => server.stop() };
}
