import type { SubgraphEndpoint } from '../supergraph/subgraph-endpoints.ts';

export interface SubgraphProbe {
  name: string;
  /** The replica that answered (or, when none did, the first one). */
  url: string;
  ok: boolean;
  latencyMs: number;
  /** Why the subgraph is not ready (HTTP status, timeout, connection error...). */
  error?: string;
  /** Each replica's own probe, when the subgraph has more than one. */
  replicas?: ReplicaProbe[];
}

export type ReplicaProbe = Omit<SubgraphProbe, 'name' | 'replicas'>;

export interface ReadinessReport {
  ready: boolean;
  supergraphLoaded: boolean;
  subgraphs: SubgraphProbe[];
}

/**
 * Asks one replica of a subgraph for `{ __typename }`: the cheapest operation that proves its GraphQL
 * endpoint (not just its process) answers. Never throws; failures become `ok: false`.
 */
export async function probeReplica(url: string, timeoutMs: number): Promise<ReplicaProbe> {
  const started = performance.now();
  const result = (ok: boolean, error?: string): ReplicaProbe => ({
    url,
    ok,
    latencyMs: Math.round(performance.now() - started),
    ...(error === undefined ? {} : { error }),
  });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => undefined)) as { data?: { __typename?: unknown } } | undefined;
    if (!response.ok) return result(false, `HTTP ${response.status}`);
    if (typeof body?.data?.__typename !== 'string') return result(false, 'response has no data.__typename');
    return result(true);
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') return result(false, `no answer within ${timeoutMs} ms`);
    return result(false, e.cause?.code ?? e.message);
  }
}

/**
 * A subgraph is reachable when at least one of its replicas answers (the gateway routes around
 * the others); all replicas are probed in parallel so the report shows which ones are down.
 */
export async function probeSubgraph(endpoint: SubgraphEndpoint, timeoutMs: number): Promise<SubgraphProbe> {
  const replicas = await Promise.all(endpoint.urls.map((url) => probeReplica(url, timeoutMs)));
  const chosen = replicas.find((replica) => replica.ok) ?? (replicas[0] as ReplicaProbe);
  return { name: endpoint.name, ...chosen, ...(replicas.length > 1 ? { replicas } : {}) };
}

/** Ready means: the supergraph is loaded and every subgraph answers, probed in parallel. */
export async function checkReadiness(options: {
  supergraphLoaded: boolean;
  endpoints: SubgraphEndpoint[];
  timeoutMs: number;
}): Promise<ReadinessReport> {
  const subgraphs = await Promise.all(options.endpoints.map((e) => probeSubgraph(e, options.timeoutMs)));
  return {
    ready: options.supergraphLoaded && subgraphs.every((s) => s.ok),
    supergraphLoaded: options.supergraphLoaded,
    subgraphs,
  };
}
