/**
 * What the launcher runs, as data. Adding a subgraph to the stack is one line in SUBGRAPHS; an
 * entry whose entry file does not exist yet is skipped (and logged), so the table can list
 * services before they are written.
 */

export interface SubgraphEntry {
  /** The name in supergraph.yaml; SUBGRAPH_URL_<NAME> tells the gateway where it runs. */
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  /** Preferred port (PORT); a busy one is replaced by a free one. */
  port: number;
  /** Its own MongoDB database. */
  database: string;
}

export const SUBGRAPHS: readonly SubgraphEntry[] = [
  { name: 'order', entry: 'subgraphs/order/src/main.ts', port: 4001, database: 'tributary_order' },
  { name: 'inventory', entry: 'subgraphs/inventory/src/main.ts', port: 4002, database: 'tributary_inventory' },
  { name: 'payment', entry: 'subgraphs/payment/src/main.ts', port: 4003, database: 'tributary_payment' },
  { name: 'notification', entry: 'subgraphs/notification/src/main.ts', port: 4004, database: 'tributary_notification' },
];

/** Every subgraph prints "<name> subgraph ready at http://HOST:PORT/graphql". */
export const SUBGRAPH_READY = /subgraph ready at (\S+)/;

export const GATEWAY = {
  entry: 'gateway/src/main.ts',
  ready: /gateway ready at (\S+)/,
  devSecretModule: 'gateway/src/auth/dev-secret.ts',
  composeScript: 'gateway/scripts/compose-supergraph.ts',
  supergraphConfig: 'supergraph.yaml',
} as const;

export interface EmbeddedServerEntry {
  name: 'kafka' | 'mongo' | 'redis';
  entry: string;
  /** Keeps its data under DATA_DIR/<name> (Redis keeps nothing). */
  persistent: boolean;
  ready: RegExp;
}

export const EMBEDDED_SERVERS: readonly EmbeddedServerEntry[] = [
  {
    name: 'kafka',
    entry: 'compose/embedded/kafka/src/cli.ts',
    persistent: true,
    ready: /kafka broker listening on (\S+?):(\d+)/,
  },
  {
    name: 'mongo',
    entry: 'compose/embedded/mongo/src/cli.ts',
    persistent: true,
    ready: /mongo server listening on (mongodb:\/\/\S+?:(\d+))/,
  },
  {
    name: 'redis',
    entry: 'compose/embedded/redis/src/cli.ts',
    persistent: false,
    ready: /redis server listening on (redis:\/\/\S+?:(\d+))/,
  },
];
