import { Kind, parse, type ConstDirectiveNode } from 'graphql';

export interface SubgraphEndpoint {
  name: string;
  /** Where the gateway sends this subgraph's requests: its first replica (the override when one is configured). */
  url: string;
  /** Every replica's URL (SUBGRAPH_URL_<NAME>=url1,url2,…); just `url` when the subgraph runs once. */
  urls: string[];
}

/** Per-subgraph URL overrides (config.ts): one URL, or one per replica of that subgraph. */
export type SubgraphUrlOverrides = Record<string, string | readonly string[]>;

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const argument = directive.arguments?.find((a) => a.name.value === name);
  return argument?.value.kind === Kind.STRING ? argument.value.value : undefined;
}

/** Overrides come from SUBGRAPH_URL_<NAME> variables, where `-` in a subgraph name is spelt `_`. */
function overrideKey(subgraphName: string): string {
  return subgraphName.toLowerCase().replace(/[^a-z0-9]/g, '_');
}

/**
 * Lists the subgraphs of a supergraph SDL (the values of its `join__Graph` enum) with their
 * routing URLs, replacing them when `overrides` names that subgraph. One list feeds both the
 * gateway's data sources and the readiness probe, so they always target the same hosts.
 */
export function subgraphEndpoints(supergraphSdl: string, overrides: SubgraphUrlOverrides = {}): SubgraphEndpoint[] {
  const document = parse(supergraphSdl);
  const joinGraph = document.definitions.find(
    (d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph',
  );
  if (!joinGraph || joinGraph.kind !== Kind.ENUM_TYPE_DEFINITION || !joinGraph.values?.length) {
    throw new Error('not a supergraph SDL: it has no join__Graph enum (compose it with npm run compose:supergraph)');
  }
  const endpoints = joinGraph.values.map((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const name = directive && stringArgument(directive, 'name');
    const url = directive && stringArgument(directive, 'url');
    if (!name || url === undefined) throw new Error(`join__Graph.${value.name.value} has no @join__graph(name, url)`);
    const override = overrides[overrideKey(name)];
    const urls = override === undefined ? [url] : typeof override === 'string' ? [override] : [...override];
    if (urls.length === 0) throw new Error(`URL override for subgraph ${name} lists no URL`);
    if (new Set(urls).size !== urls.length) throw new Error(`URL override for subgraph ${name} lists a URL twice: ${urls.join(', ')}`);
    return { name, url: urls[0] as string, urls };
  });
  const known = new Set(endpoints.map((e) => overrideKey(e.name)));
  const unknown = Object.keys(overrides).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    // A typo in SUBGRAPH_URL_<NAME> would otherwise silently route to the composed URL.
    throw new Error(`URL override for unknown subgraph(s): ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  }
  return endpoints;
}
