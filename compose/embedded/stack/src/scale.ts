import { SUBGRAPHS } from './services.ts';

/**
 * Replicas of the subgraphs: `--scale inventory=3,order=2` / SCALE=inventory=3 and the names and
 * ports the launcher gives them. Replica i (i ≥ 2) of `inventory` is the child `inventory-i`,
 * with the same database and environment as `inventory`, so it joins the same Kafka consumer
 * groups and the partitions are spread over them.
 */

/** More would only crowd a laptop's cores; the point is to show several members per group. */
export const MAX_REPLICAS = 8;

/** Ports of replica i: the subgraph's preferred port + 100 × (i − 1), e.g. inventory-2 on 4102. */
const PORT_STEP = 100;

export class ScaleError extends Error {
  override name = 'ScaleError';
}

/**
 * Parses one or more `name=n` lists (comma-separated, each list e.g. one --scale option). A name
 * must be a subgraph of SUBGRAPHS, n a whole number from 1 to MAX_REPLICAS; a later list
 * overrides an earlier one (so --scale overrides SCALE), a name twice in one list is an error.
 */
export function parseScale(...lists: string[]): Record<string, number> {
  const scale: Record<string, number> = {};
  const known = SUBGRAPHS.map((subgraph) => subgraph.name);
  for (const list of lists) {
    const seen = new Set<string>();
    for (const item of list.split(',').map((part) => part.trim()).filter(Boolean)) {
      const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(item);
      if (!match) throw new ScaleError(`"${item}" is not <subgraph>=<replicas> (e.g. inventory=3)`);
      const [, name, count] = match as unknown as [string, string, string];
      if (!known.includes(name)) {
        throw new ScaleError(`"${item}": ${name} is not a subgraph; only ${known.join(', ')} can be scaled`);
      }
      const replicas = Number(count);
      if (!/^\d+$/.test(count) || replicas < 1 || replicas > MAX_REPLICAS) {
        throw new ScaleError(`"${item}": the number of replicas must be a whole number from 1 to ${MAX_REPLICAS}`);
      }
      if (seen.has(name)) throw new ScaleError(`"${list}" names ${name} twice`);
      seen.add(name);
      scale[name] = replicas;
    }
  }
  return scale;
}

/** The child name of replica `index` (1 = the primary, which keeps the subgraph's own name). */
export function replicaName(subgraph: string, index: number): string {
  return index === 1 ? subgraph : `${subgraph}-${index}`;
}

/** The preferred port of replica `index` (taken only when free, see ports.ts). */
export function replicaPort(preferred: number, index: number): number {
  return preferred === 0 ? 0 : preferred + PORT_STEP * (index - 1);
}
