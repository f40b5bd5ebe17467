import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * A subscription sent as a plain HTTP request gets a 400 that says where subscriptions live,
 * instead of reaching @apollo/gateway's executor (which cannot run them and answers 500).
 */
export function subscriptionsOverHttpRefusal(websocketPath: string): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError(`subscriptions are served over WebSocket (graphql-ws protocol) at ws://<this host>${websocketPath}, not over HTTP`, {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        },
      };
    },
  };
}
