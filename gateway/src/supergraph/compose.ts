import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { readSupergraphConfig } from './supergraph-config.ts';

export interface SubgraphDefinition {
  name: string;
  url: string;
  sdl: string;
}

export interface CompositionProblem {
  code: string;
  message: string;
  /** The subgraph the problem was found in, when it is known. */
  subgraph?: string;
}

/** Composition failed; `problems` holds every error, not just the first, so one run shows all fixes needed. */
export class SupergraphCompositionError extends Error {
  readonly problems: CompositionProblem[];

  constructor(problems: CompositionProblem[]) {
    const lines = problems.map((p) => `  [${p.code}]${p.subgraph ? ` (${p.subgraph})` : ''} ${p.message}`);
    super(`supergraph composition failed with ${problems.length} error(s):\n${lines.join('\n')}`);
    this.name = 'SupergraphCompositionError';
    this.problems = problems;
  }
}

export interface ComposedSupergraph {
  supergraphSdl: string;
  /** Composition hints (non-fatal advice), already formatted. */
  hints: string[];
}

function errorCode(error: GraphQLError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INVALID_GRAPHQL';
}

/** Composes subgraph SDLs into a supergraph SDL, or throws a SupergraphCompositionError listing every problem. */
export function composeSupergraph(subgraphs: SubgraphDefinition[]): ComposedSupergraph {
  const problems: CompositionProblem[] = [];
  const services: { name: string; url: string; typeDefs: DocumentNode }[] = [];
  // Parse every SDL first so syntax errors in several files are all reported together.
  for (const subgraph of subgraphs) {
    try {
      services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) });
    } catch (error) {
      const message = error instanceof GraphQLError ? error.message : String(error);
      problems.push({ code: 'INVALID_GRAPHQL', message, subgraph: subgraph.name });
    }
  }
  if (problems.length > 0) throw new SupergraphCompositionError(problems);

  const result = composeServices(services);
  if (result.errors) {
    throw new SupergraphCompositionError(result.errors.map((e) => ({ code: errorCode(e), message: e.message })));
  }
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((h) => h.toString()) };
}

/** Reads `supergraph.yaml` and the SDL files it lists, then composes them. */
export async function composeFromConfigFile(configPath: string): Promise<ComposedSupergraph> {
  const config = await readSupergraphConfig(configPath);
  const definitions = await Promise.all(
    config.subgraphs.map(async (s) => {
      try {
        return { name: s.name, url: s.routingUrl, sdl: await readFile(s.schemaPath, 'utf8') };
      } catch (error) {
        throw new Error(`subgraph ${s.name}: cannot read schema file ${s.schemaPath}: ${(error as Error).message}`);
      }
    }),
  );
  return composeSupergraph(definitions);
}
