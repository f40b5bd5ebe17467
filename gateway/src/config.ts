import { tracingConfigFrom, tracingEnvShape, type TracingConfig } from '@tributary/telemetry/tracing';
import { z } from 'zod';
import { DEFAULT_OPERATION_LIMITS as LIMITS, type OperationLimits } from './limits/operation-limits.ts';
import type { SubgraphUrlOverrides } from './supergraph/subgraph-endpoints.ts';
import { DEFAULT_SUBSCRIPTION_SETTINGS as SUBSCRIPTIONS, type SubscriptionSettings } from './subscriptions/gateway-subscriptions.ts';

/**
 * The gateway's configuration, parsed from the environment once at start. This is the only file
 * that reads process.env; everything else gets a GatewayConfig passed in.
 *
 * GATEWAY_HOST defaults to 127.0.0.1 so a developer's gateway is not exposed on the network by
 * accident; in a container it must be 0.0.0.0 (docker-compose sets it).
 */
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An operation limit: a positive integer with a safe default (see limits/operation-limits.ts). */
const limit = (fallback: number) => z.coerce.number().int().min(1).max(100_000_000).default(fallback);
const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const envSchema = z.object({
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  SUPERGRAPH_PATH: z.string().min(1).default('supergraph.graphql'),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters (HS256 needs a 256-bit key)').optional(),
  JWT_SECRET_FILE: z.string().min(1).optional(),
  JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  JWT_ISSUER: z.string().min(1).default('tributary'),
  JWT_AUDIENCE: z.string().min(1).default('tributary'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  READY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** The Ed25519 private key (PKCS#8 PEM) that signs subgraph requests, inline or as a file. */
  GATEWAY_SIGNING_KEY: z.string().min(1).optional(),
  GATEWAY_SIGNING_KEY_FILE: z.string().min(1).optional(),
  NODE_ENV: z.string().optional(),
  /** Introspection and the GraphiQL playground; default: on, except under NODE_ENV=production. */
  INTROSPECTION: flag.optional(),
  MAX_QUERY_BYTES: limit(LIMITS.maxBytes),
  MAX_QUERY_TOKENS: limit(LIMITS.maxTokens),
  MAX_QUERY_DEPTH: limit(LIMITS.maxDepth),
  MAX_QUERY_ALIASES: limit(LIMITS.maxAliases),
  MAX_QUERY_ROOT_FIELDS: limit(LIMITS.maxRootFields),
  MAX_QUERY_DIRECTIVES: limit(LIMITS.maxDirectives),
  MAX_QUERY_COST: limit(LIMITS.maxCost),
  QUERY_COST_DEFAULT_LIST_SIZE: limit(LIMITS.defaultListSize),
  /** Rate limits live in Redis so gateway replicas share them; without REDIS_URL they are off. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  RATE_LIMIT_CUSTOMER_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).default(50),
  RATE_LIMIT_CUSTOMER_BURST: z.coerce.number().int().min(1).max(1_000_000).default(100),
  RATE_LIMIT_ANONYMOUS_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).default(20),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(10_000).default(SUBSCRIPTIONS.maxPerConnection),
  SUBSCRIPTION_QUEUE_SIZE: z.coerce.number().int().min(1).max(100_000).default(SUBSCRIPTIONS.queueSize),
  SUBSCRIPTION_KEEPALIVE_MS: z.coerce.number().int().min(1_000).max(600_000).default(SUBSCRIPTIONS.keepAliveMs),
  /** Share identical in-flight subgraph queries between concurrent client requests (default on). */
  SUBGRAPH_REQUEST_DEDUP: flag.optional(),
  /** TRACE_DIR, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SDK_DISABLED... (see @tributary/telemetry tracing-config.ts). */
  ...tracingEnvShape,
});

const KEY_SOURCE_PROBLEM =
  'set exactly one of JWT_SECRET, JWT_SECRET_FILE (HS256, development; `npm run dev` creates .data/auth/jwt-secret) or JWKS_URL (production)';

const SIGNING_KEY_PROBLEM =
  'set exactly one of GATEWAY_SIGNING_KEY or GATEWAY_SIGNING_KEY_FILE (the Ed25519 key subgraphs check; `npm run dev` creates .data/auth/gateway-signing-key.pem)';

/** Where token signatures are checked against: a shared HS256 secret (dev) or a JWKS endpoint (production). */
export type AuthKeySource =
  | { kind: 'secret'; secret: string }
  | { kind: 'secret-file'; path: string }
  | { kind: 'jwks'; url: string };

export interface GatewayConfig {
  port: number;
  host: string;
  supergraphPath: string;
  /**
   * Per-subgraph routing URL overrides from SUBGRAPH_URL_<NAME>, keyed by the lower-cased subgraph
   * name: one URL (a string, as before replicas), or a comma-separated list of one URL per replica.
   */
  subgraphUrlOverrides: SubgraphUrlOverrides;
  auth: { keys: AuthKeySource; issuer: string; audience: string };
  logLevel: (typeof logLevels)[number];
  readyTimeoutMs: number;
  shutdownGraceMs: number;
  /** Where the subgraph-assertion signing key comes from. */
  signingKey: { kind: 'pem'; pem: string } | { kind: 'file'; path: string };
  /** What one operation may ask for; checked before planning (MAX_QUERY_*). */
  limits: OperationLimits;
  /** Whether the public API answers introspection and serves the GraphiQL playground (INTROSPECTION). */
  introspection: boolean;
  /** Operations per caller; enforced only when `redisUrl` is set. */
  /** graphql-ws limits and timings (MAX_SUBSCRIPTIONS_PER_CONNECTION, SUBSCRIPTION_*). */
  subscriptions: SubscriptionSettings;
  rateLimit: {
    redisUrl: string | undefined;
    customer: { perSecond: number; burst: number };
    anonymous: { perSecond: number; burst: number };
  };
  /** Where spans go, if anywhere (main.ts starts tracing with it). */
  tracing: TracingConfig;
  /** Whether identical in-flight subgraph queries are sent once (SUBGRAPH_REQUEST_DEDUP, default true). */
  subgraphRequestDedup: boolean;
}

const SUBGRAPH_URL_PREFIX = 'SUBGRAPH_URL_';

/** SUBGRAPH_URL_<NAME> names a subgraph by its supergraph.yaml name, upper-cased, `-` written as `_`. */
export function subgraphEnvName(subgraphName: string): string {
  return SUBGRAPH_URL_PREFIX + subgraphName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

const subgraphUrl = z.url({ protocol: /^https?$/ });

/** SUBGRAPH_URL_<NAME> is one http(s) URL or a comma-separated list of them, one per replica. */
function readSubgraphUrlOverrides(env: NodeJS.ProcessEnv): { overrides: SubgraphUrlOverrides; problems: string[] } {
  const overrides: SubgraphUrlOverrides = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(SUBGRAPH_URL_PREFIX) || !value) continue;
    const urls: string[] = [];
    for (const entry of value.split(',').map((part) => part.trim())) {
      const url = subgraphUrl.safeParse(entry);
      if (!url.success) problems.push(`${key}: must be an http(s) URL or a comma-separated list of them, got ${JSON.stringify(entry)}`);
      // Listed twice, one replica would get twice the share of the requests.
      else if (urls.includes(url.data)) problems.push(`${key}: lists ${url.data} twice`);
      else urls.push(url.data);
    }
    if (urls.length > 0) overrides[key.slice(SUBGRAPH_URL_PREFIX.length).toLowerCase()] = urls.length === 1 ? (urls[0] as string) : urls;
  }
  return { overrides, problems };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = envSchema.safeParse(env);
  const subgraphs = readSubgraphUrlOverrides(env);
  const problems = [...subgraphs.problems];
  // Checked outside zod so this problem is reported together with any others.
  const keySources = [env['JWT_SECRET'], env['JWT_SECRET_FILE'], env['JWKS_URL']].filter(Boolean).length;
  if (keySources !== 1) problems.unshift(KEY_SOURCE_PROBLEM);
  if ([env['GATEWAY_SIGNING_KEY'], env['GATEWAY_SIGNING_KEY_FILE']].filter(Boolean).length !== 1) {
    problems.push(SIGNING_KEY_PROBLEM);
  }
  if (parsed.success && parsed.data.RATE_LIMIT_CUSTOMER_BURST < parsed.data.RATE_LIMIT_CUSTOMER_PER_SECOND) {
    problems.push('RATE_LIMIT_CUSTOMER_BURST must be at least RATE_LIMIT_CUSTOMER_PER_SECOND');
  }
  if (!parsed.success) problems.unshift(z.prettifyError(parsed.error));
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`invalid gateway configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const keys: AuthKeySource = e.JWKS_URL
    ? { kind: 'jwks', url: e.JWKS_URL }
    : e.JWT_SECRET_FILE
      ? { kind: 'secret-file', path: e.JWT_SECRET_FILE }
      : { kind: 'secret', secret: e.JWT_SECRET as string };
  return {
    port: e.GATEWAY_PORT,
    host: e.GATEWAY_HOST,
    supergraphPath: e.SUPERGRAPH_PATH,
    subgraphUrlOverrides: subgraphs.overrides,
    auth: { keys, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE },
    logLevel: e.LOG_LEVEL,
    readyTimeoutMs: e.READY_TIMEOUT_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    signingKey: e.GATEWAY_SIGNING_KEY ? { kind: 'pem', pem: e.GATEWAY_SIGNING_KEY } : { kind: 'file', path: e.GATEWAY_SIGNING_KEY_FILE as string },
    limits: {
      maxBytes: e.MAX_QUERY_BYTES,
      maxTokens: e.MAX_QUERY_TOKENS,
      maxDepth: e.MAX_QUERY_DEPTH,
      maxAliases: e.MAX_QUERY_ALIASES,
      maxRootFields: e.MAX_QUERY_ROOT_FIELDS,
      maxDirectives: e.MAX_QUERY_DIRECTIVES,
      maxCost: e.MAX_QUERY_COST,
      defaultListSize: e.QUERY_COST_DEFAULT_LIST_SIZE,
    },
    introspection: e.INTROSPECTION ?? e.NODE_ENV !== 'production',
    subscriptions: {
      maxPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      queueSize: e.SUBSCRIPTION_QUEUE_SIZE,
      keepAliveMs: e.SUBSCRIPTION_KEEPALIVE_MS,
      reconnect: SUBSCRIPTIONS.reconnect,
    },
    rateLimit: {
      redisUrl: e.REDIS_URL,
      customer: { perSecond: e.RATE_LIMIT_CUSTOMER_PER_SECOND, burst: e.RATE_LIMIT_CUSTOMER_BURST },
      // Anonymous callers get no burst beyond their per-second rate.
      anonymous: { perSecond: e.RATE_LIMIT_ANONYMOUS_PER_SECOND, burst: e.RATE_LIMIT_ANONYMOUS_PER_SECOND },
    },
    tracing: tracingConfigFrom(e),
    subgraphRequestDedup: e.SUBGRAPH_REQUEST_DEDUP ?? true,
  };
}
