import { createRequire } from 'node:module';
import { federationMetadata, parseFieldSetArgument } from '@apollo/federation-internals';
import type { QueryPlanner } from '@apollo/query-planner';

/**
 * A correction to Apollo's query planner (2.x), for the planners the executor builds and no other.
 *
 * When a plan must come back into a subgraph for a `@requires` field, Apollo's planner picks the
 * entity key to come back by with `getLocallySatisfiableKey`, which takes the subgraph's first
 * `@key` — even one declared `resolvable: false`. The subgraph then receives representations it
 * cannot resolve (the federation audit's "keys-mashup" case). The corrected choice takes the first
 * *resolvable* key, and falls back to Apollo's choice when the subgraph has none.
 *
 * The planner calls the function through its package's exports object, so replacing the export
 * reaches those calls; which planner is calling is told by its query graph, so stock planners
 * elsewhere in the process (tests compare against one) keep Apollo's behaviour.
 */
interface QueryGraph {
  sources: Map<string, unknown>;
}
interface Vertex {
  type: { appliedDirectivesOf(directive: unknown): { arguments(): Record<string, unknown> }[] };
  source: string;
}
type KeyChooser = (graph: QueryGraph, vertex: Vertex) => unknown;

const corrected = new WeakSet<object>();
let installed = false;

export function correctPlanner(planner: QueryPlanner): void {
  const graph = (planner as unknown as { federatedQueryGraph?: object }).federatedQueryGraph;
  if (!graph) throw new Error('Apollo query planner without a federatedQueryGraph: the planner correction does not fit this version');
  corrected.add(graph);
  if (installed) return;
  // The copy of @apollo/query-graphs that the planner itself loads (resolved from the planner's place).
  const fromPlanner = createRequire(createRequire(import.meta.url).resolve('@apollo/query-planner'));
  const graphPath = fromPlanner('@apollo/query-graphs/dist/graphPath.js') as { getLocallySatisfiableKey: KeyChooser };
  const apolloChoice = graphPath.getLocallySatisfiableKey;
  graphPath.getLocallySatisfiableKey = (graph, vertex) => (corrected.has(graph) ? resolvableKey(graph, vertex) : undefined) ?? apolloChoice(graph, vertex);
  installed = true;
}

function resolvableKey(graph: QueryGraph, vertex: Vertex): unknown {
  const schema = graph.sources.get(vertex.source);
  if (!schema) return undefined;
  const metadata = federationMetadata(schema as Parameters<typeof federationMetadata>[0]);
  if (!metadata) return undefined;
  for (const key of vertex.type.appliedDirectivesOf(metadata.keyDirective())) {
    if (key.arguments()['resolvable'] === false) continue;
    const selection = parseFieldSetArgument({ parentType: vertex.type as never, directive: key as never });
    if (!metadata.selectionSelectsAnyExternalField(selection)) return selection;
  }
  return undefined;
}
