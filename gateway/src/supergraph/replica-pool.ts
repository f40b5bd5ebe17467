/**
 * The replicas of one subgraph (SUBGRAPH_URL_<NAME>=url1,url2,…) and which of them to use next.
 * Requests take turns (round-robin) so the replicas share the load; a replica that refused a
 * connection is tried last for a while (1 s, doubling up to 10 s while it keeps refusing), so a
 * stopped replica costs a refused connect now and then rather than one on every other request.
 * It is never left out entirely: when every replica is marked down they are all still tried, so
 * a restarted replica is used again at once.
 *
 * One pool per subgraph is shared by HTTP fetches and the subscription client, so a replica one
 * of them found down is skipped by the other too.
 */
export interface ReplicaPool {
  readonly subgraph: string;
  readonly urls: readonly string[];
  /** Every replica, in the order one request should try them: the next in turn first, replicas marked down last. */
  order(): string[];
  /** The replica refused a connection: try it last until its down time is over. */
  markDown(url: string): void;
  /** The replica answered: it is up again. */
  markUp(url: string): void;
}

export interface ReplicaPoolOptions {
  /** Down time after a first refusal, doubled on each further one. */
  minDownMs?: number;
  maxDownMs?: number;
  now?: () => number;
}

export function createReplicaPool(subgraph: string, urls: readonly string[], options: ReplicaPoolOptions = {}): ReplicaPool {
  if (urls.length === 0) throw new Error(`subgraph ${subgraph} has no URL`);
  const minDownMs = options.minDownMs ?? 1_000;
  const maxDownMs = options.maxDownMs ?? 10_000;
  const now = options.now ?? Date.now;
  const down = new Map<string, { until: number; refusals: number }>();
  let turn = 0;

  const isDown = (url: string) => (down.get(url)?.until ?? 0) > now();

  return {
    subgraph,
    urls,
    order() {
      const start = turn % urls.length;
      turn = (turn + 1) % urls.length;
      const rotated = [...urls.slice(start), ...urls.slice(0, start)];
      return [...rotated.filter((url) => !isDown(url)), ...rotated.filter(isDown)];
    },
    markDown(url) {
      // Concurrent requests that all met the same dead replica count as one refusal, so a burst
      // does not push its down time straight to the maximum.
      if (isDown(url)) return;
      const refusals = (down.get(url)?.refusals ?? 0) + 1;
      down.set(url, { until: now() + Math.min(maxDownMs, minDownMs * 2 ** Math.min(refusals - 1, 16)), refusals });
    },
    markUp(url) {
      down.delete(url);
    },
  };
}

/**
 * Sends one request to the subgraph through `send`, trying its replicas in the pool's order. Only a
 * connection failure (see isConnectFailure) moves on to the next replica: then no byte reached
 * the replica and nothing ran, so even a mutation is safe to send again. Any other failure (a
 * timeout, a reset after the request went out, an HTTP error) is passed on as it is: the request
 * may have run. When every replica refused, the last refusal is thrown.
 */
export async function sendToReplicas<R>(
  pool: ReplicaPool,
  send: (url: string) => Promise<R>,
  isConnectFailure: (error: unknown) => boolean,
): Promise<R> {
  let lastRefusal: unknown;
  for (const url of pool.order()) {
    try {
      const result = await send(url);
      pool.markUp(url);
      return result;
    } catch (error) {
      if (!isConnectFailure(error)) throw error;
      pool.markDown(url);
      lastRefusal = error;
    }
  }
  throw lastRefusal;
}
