// Starts one scenario for real: each subgraph is an Apollo subgraph server on 127.0.0.1 (the
// gateway tests' tiny subgraph, which records every request it receives), the subgraphs are
// composed with the repository's composeSupergraph, and a gateway of the given kind is put in an
// Apollo Server over them. Subgraph calls go over HTTP, as in production.
import { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { composeSupergraph } from '../../../src/supergraph/compose.ts';
import { startTinySubgraph, type FieldResolvers, type TinySubgraph } from '../../support/tiny-subgraph.ts';
import { deadSubgraphUrl } from './dead-url.ts';
import { createGateway, type GatewayKind } from './gateway-kinds.ts';
import type { SubgraphSpec } from './scenario.ts';

export interface FederationResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

export interface RunningFederation {
  kind: GatewayKind;
  execute(query: string, variables?: Record<string, unknown>): Promise<FederationResult>;
  /** Requests the subgraphs have received so far (a down subgraph receives none). */
  calls(): number;
  stop(): Promise<void>;
}

export interface FederationOptions {
  /** Subgraphs that are down: composed as usual, but routed to a URL with nothing listening. */
  down?: string[];
}

export async function startFederation(kind: GatewayKind, subgraphs: SubgraphSpec[], options: FederationOptions = {}): Promise<RunningFederation> {
  const down = new Set(options.down ?? []);
  const running: TinySubgraph[] = [];
  // Undone in reverse on stop, or as far as start got when it fails.
  const cleanups: (() => Promise<unknown>)[] = [() => Promise.all(running.map((s) => s.stop()))];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const urls: Record<string, string> = {};
    for (const spec of subgraphs) {
      if (down.has(spec.name)) {
        urls[spec.name] = await deadSubgraphUrl();
        continue;
      }
      // GraphQLResolverMap (what @apollo/subgraph accepts) types parents as any; the tiny
      // subgraph's narrower map is only how it spells the same object.
      const subgraph = await startTinySubgraph(spec.sdl, spec.resolvers as FieldResolvers);
      running.push(subgraph);
      urls[spec.name] = subgraph.url;
    }
    const { supergraphSdl } = composeSupergraph(subgraphs.map((s) => ({ name: s.name, url: urls[s.name]!, sdl: s.sdl })));
    const underTest = createGateway(kind, supergraphSdl, urls);
    cleanups.push(() => underTest.close());
    const server = new ApolloServer({ gateway: underTest.gateway });
    await server.start();
    cleanups.push(() => server.stop());
    return {
      kind,
      async execute(query, variables) {
        const response = await server.executeOperation({ query, ...(variables ? { variables } : {}) });
        if (response.body.kind !== 'single') throw new Error('no federation scenario uses incremental delivery');
        const { data, errors, extensions } = response.body.singleResult;
        return { ...(data !== undefined ? { data } : {}), ...(errors ? { errors } : {}), ...(extensions ? { extensions } : {}) };
      },
      calls: () => running.reduce((total, s) => total + s.received.length, 0),
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
