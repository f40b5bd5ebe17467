import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { ASSERTION_HEADER, UntrustedRequestError, type AssertionVerifier } from '@tributary/http';

export interface SubgraphContext {
  /** The caller as the gateway's assertion names it (JSON), or undefined when anonymous. */
  actorHeader?: string;
}

export type FieldResolvers = Record<string, Record<string, (parent: unknown, args: Record<string, unknown>, context: SubgraphContext) => unknown>>;

export interface TinySubgraph {
  url: string;
  sdl: string;
  /** Every operation the subgraph received, with the verified actor (JSON) it carried. */
  received: { query: string; actorHeader: string | undefined; untrusted?: string }[];
  stop(): Promise<void>;
}

/** A real Federation 2 subgraph on a free 127.0.0.1 port, for gateway tests. */
export async function startTinySubgraph(sdl: string, resolvers: FieldResolvers, verifier?: AssertionVerifier): Promise<TinySubgraph> {
  const received: TinySubgraph['received'] = [];
  const server = new ApolloServer<SubgraphContext>({
    schema: buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      const body = (req as unknown as { body?: { query?: string } }).body;
      if (!verifier) {
        received.push({ query: body?.query ?? '', actorHeader: undefined });
        return {};
      }
      // The standalone server has parsed the body already; the gateway's JSON.stringify of the
      // same request is byte-identical, which is what the assertion's body hash covers.
      const header = req.headers[ASSERTION_HEADER];
      try {
        const actor = await verifier.verify(Array.isArray(header) ? header[0] : header, JSON.stringify(body));
        const actorHeader = actor ? JSON.stringify(actor) : undefined;
        received.push({ query: body?.query ?? '', actorHeader });
        return { actorHeader };
      } catch (error) {
        if (!(error instanceof UntrustedRequestError)) throw error;
        received.push({ query: body?.query ?? '', actorHeader: undefined, untrusted: error.message });
        return {};
      }
    },
  });
  return { url, sdl, received, stop: () => server.stop() };
}
