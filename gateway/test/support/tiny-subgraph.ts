import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { ACTOR_HEADER } from '@tributary/contracts';

export interface SubgraphContext {
  actorHeader?: string;
}

export type FieldResolvers = Record<string, Record<string, (parent: unknown, args: Record<string, unknown>, context: SubgraphContext) => unknown>>;

export interface TinySubgraph {
  url: string;
  sdl: string;
  /** Every operation the subgraph received, with the actor header it carried. */
  received: { query: string; actorHeader: string | undefined }[];
  stop(): Promise<void>;
}

/** A real Federation 2 subgraph on a free 127.0.0.1 port, for gateway tests. */
export async function startTinySubgraph(sdl: string, resolvers: FieldResolvers): Promise<TinySubgraph> {
  const received: TinySubgraph['received'] = [];
  const server = new ApolloServer<SubgraphContext>({
    schema: buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      const header = req.headers[ACTOR_HEADER];
      const actorHeader = Array.isArray(header) ? header[0] : header;
      const body = (req as unknown as { body?: { query?: string } }).body;
      received.push({ query: body?.query ?? '', actorHeader });
      return { actorHeader };
    },
  });
  return { url, sdl, received, stop: () => server.stop() };
}
