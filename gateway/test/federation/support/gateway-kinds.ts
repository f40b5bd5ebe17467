// The gateway implementations every federation suite runs over. Each is an Apollo Server
// GatewayInterface, so both are driven the same way (ApolloServer.executeOperation): the only
// difference between two runs is who plans and executes the subgraph fetches.
import { ApolloGateway } from '@apollo/gateway';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { createTributaryGateway } from '../../../src/executor/gateway.ts';
import { createHttpTransport } from '../../../src/executor/http-transport.ts';

export type GatewayKind = 'tributary' | 'apollo';
/** Tributary's own executor first: it is the implementation under test, Apollo the reference. */
export const GATEWAY_KINDS: GatewayKind[] = ['tributary', 'apollo'];

export interface GatewayUnderTest {
  gateway: ApolloServerOptionsWithGateway<BaseContext>['gateway'];
  /** Releases what the gateway holds besides what Apollo Server stops (connection pools). */
  close(): Promise<void>;
}

export function createGateway(kind: GatewayKind, supergraphSdl: string, urls: Record<string, string>): GatewayUnderTest {
  switch (kind) {
    // Stock settings: Apollo reads the subgraph URLs from the supergraph's join__graph entries.
    case 'apollo':
      return { gateway: new ApolloGateway({ supergraphSdl }), close: async () => {} };
    case 'tributary': {
      const transport = createHttpTransport({ urls });
      return { gateway: createTributaryGateway({ supergraphSdl, transport }), close: () => transport.close() };
    }
  }
}
