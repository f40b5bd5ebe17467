import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * What the launcher runs, as data. Adding a subgraph to the stack is one line in SUBGRAPHS; an
 * entry whose entry file does not exist yet is skipped (and logged), so the table can list
 * services before they are written.
 */

/** Values the launcher only knows at start; an environment table names them with `from(...)`. */
export interface StackValues {
  /** Per subgraph: its port and its own database on the MongoDB server. */
  port: string;
  mongoUrl: string;
  kafkaBrokers: string;
  redisUrl: string;
  /** undefined when the user brought their own key (their GATEWAY_PUBLIC_KEY(_FILE) passes through). */
  gatewayPublicKeyFile?: string;
  /** undefined when the server is neither configured nor started (its entry file is missing). */
  paymentProviderUrl?: string;
  smtpUrl?: string;
}

/**
 * One environment variable's value: a fixed text, a launcher value (left out while undefined),
 * or a default that the user's own environment overrides.
 */
export type EnvValue = string | { from: keyof StackValues } | { byDefault: string };
export type EnvTable = Readonly<Record<string, EnvValue>>;

const from = (name: keyof StackValues) => ({ from: name });
const byDefault = (value: string) => ({ byDefault: value });

export interface SubgraphEntry {
  /** The name in supergraph.yaml; SUBGRAPH_URL_<NAME> tells the gateway where it runs. */
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  /** Preferred port (PORT); a busy one is replaced by a free one. */
  port: number;
  /** Its own MongoDB database. */
  database: string;
  /** What this subgraph needs besides EVERY_SUBGRAPH_ENV. */
  env: EnvTable;
}

/** What every subgraph gets. HOST stays on loopback: only the gateway, on this machine, calls them. */
export const EVERY_SUBGRAPH_ENV: EnvTable = {
  PORT: from('port'),
  HOST: '127.0.0.1',
  KAFKA_BROKERS: from('kafkaBrokers'),
  MONGO_URL: from('mongoUrl'),
  REDIS_URL: from('redisUrl'),
  GATEWAY_PUBLIC_KEY_FILE: from('gatewayPublicKeyFile'),
};

export const SUBGRAPHS: readonly SubgraphEntry[] = [
  { name: 'order', entry: 'subgraphs/order/src/main.ts', port: 4001, database: 'tributary_order', env: {} },
  // The demo catalogue is added on first start (existing products are left alone); SEED_DEMO_CATALOGUE=false turns it off.
  { name: 'inventory', entry: 'subgraphs/inventory/src/main.ts', port: 4002, database: 'tributary_inventory', env: { SEED_DEMO_CATALOGUE: byDefault('true') } },
  { name: 'payment', entry: 'subgraphs/payment/src/main.ts', port: 4003, database: 'tributary_payment', env: { PAYMENT_PROVIDER_URL: from('paymentProviderUrl') } },
  { name: 'notification', entry: 'subgraphs/notification/src/main.ts', port: 4004, database: 'tributary_notification', env: { SMTP_URL: from('smtpUrl') } },
];

/** The summary box's hint: the first products of subgraphs/inventory/src/seed/demo-catalogue.ts. */
export const DEMO_SKUS = ['SKU-1', 'SKU-2', 'SKU-3'] as const;

/** A subgraph's own variables, resolved; `userEnv` is what the launcher was started with. */
export function subgraphEnv(subgraph: SubgraphEntry, values: StackValues, userEnv: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...EVERY_SUBGRAPH_ENV, ...subgraph.env })) {
    const resolved = typeof value === 'string' ? value : 'from' in value ? values[value.from] : userEnv[name] || value.byDefault;
    if (resolved !== undefined) env[name] = resolved;
  }
  return env;
}

/** The tracing preload (relative to the repository root): patches http, graphql, mongodb... as they load. */
export const TRACING_PRELOAD = 'events/telemetry/tracing/register.mjs';

/**
 * What the gateway and every subgraph get to trace: the preload, through NODE_OPTIONS (after
 * the user's own) so tsx's node runs it before the service's code, and TRACE_DIR, where each
 * keeps its spans for `npm run trace` (a TRACE_DIR of the user's wins). Nothing with tracing off
 * (OTEL_SDK_DISABLED=true, which the services read themselves too).
 */
export function tracingEnv(options: { repoRoot: string; dataDir: string; tracing: boolean; baseEnv: Record<string, string> }): Record<string, string> {
  if (!options.tracing) return {};
  const traceDir = { TRACE_DIR: options.baseEnv.TRACE_DIR || path.join(options.dataDir, 'traces') };
  const file = path.join(options.repoRoot, TRACING_PRELOAD);
  // Like a missing entry file, a missing preload (a checkout without it) must not stop the services.
  if (!existsSync(file)) return traceDir;
  // A file URL: NODE_OPTIONS splits on spaces, which a repository path may contain.
  const preload = `--import=${pathToFileURL(file).href}`;
  return { NODE_OPTIONS: [options.baseEnv.NODE_OPTIONS, preload].filter(Boolean).join(' '), ...traceDir };
}

/** Every subgraph prints "<name> subgraph ready at http://HOST:PORT/graphql". */
export const SUBGRAPH_READY = /subgraph ready at (\S+)/;

export const GATEWAY = {
  entry: 'gateway/src/main.ts',
  ready: /gateway ready at (\S+)/,
  devSecretModule: 'gateway/src/auth/dev-secret.ts',
  /** Signs the development tokens of the summary's browser links (as `npm run token` does). */
  devTokenModule: 'gateway/src/auth/dev-token.ts',
  /** The gateway's own reading of its environment: the links follow its introspection, issuer and audience. */
  configModule: 'gateway/src/config.ts',
  composeScript: 'gateway/scripts/compose-supergraph.ts',
  supergraphConfig: 'supergraph.yaml',
} as const;

export type EmbeddedServerName = 'kafka' | 'mongo' | 'redis' | 'payment-provider' | 'smtp';

export interface EmbeddedServerEntry {
  name: EmbeddedServerName;
  entry: string;
  /** Keeps its data under DATA_DIR/<name> (--data-dir); the others keep nothing. */
  persistent: boolean;
  /**
   * Without its entry file the stack starts anyway and lists it as not started (only the
   * service that uses it suffers). Kafka, MongoDB and Redis are needed by everything.
   */
  optional: boolean;
  /** Its readiness line; group 1 is the address the services are given. */
  ready: RegExp;
}

/** Started together, in one parallel stage, each unless the user points at a real one. */
export const EMBEDDED_SERVERS: readonly EmbeddedServerEntry[] = [
  {
    name: 'kafka',
    entry: 'compose/embedded/kafka/src/cli.ts',
    persistent: true,
    optional: false,
    ready: /kafka broker listening on (\S+?:\d+)/,
  },
  {
    name: 'mongo',
    entry: 'compose/embedded/mongo/src/cli.ts',
    persistent: true,
    optional: false,
    ready: /mongo server listening on (mongodb:\/\/\S+?:(\d+))/,
  },
  {
    name: 'redis',
    entry: 'compose/embedded/redis/src/cli.ts',
    persistent: false,
    optional: false,
    ready: /redis server listening on (redis:\/\/\S+?:(\d+))/,
  },
  {
    name: 'payment-provider',
    entry: 'compose/embedded/payment-provider/src/cli.ts',
    persistent: false,
    optional: true,
    ready: /payment provider listening on (https?:\/\/\S+)/,
  },
  {
    // Mail lands in DATA_DIR/smtp/mail, one .eml file per message; group 2 is that directory.
    name: 'smtp',
    entry: 'compose/embedded/smtp/src/cli.ts',
    persistent: true,
    optional: true,
    ready: /smtp sink listening on (smtp:\/\/\S+) \(mail in (.+)\)$/,
  },
];
