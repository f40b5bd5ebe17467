import { readFileSync } from 'node:fs';
import { tracingConfigFrom, tracingEnvShape, type TracingConfig } from '@tributary/telemetry/tracing';
import { z } from 'zod';

/**
 * The settings every subgraph service shares, read from the environment through zod. A
 * service's own config.ts extends this schema with its own variables and calls
 * `loadServiceConfig`; that file stays the only reader of process.env in the service.
 */
export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const serviceEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535),
  HOST: z.string().min(1).default('127.0.0.1'),
  KAFKA_BROKERS: z
    .string()
    .min(1, 'KAFKA_BROKERS is required (comma-separated host:port list)')
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
    .pipe(z.array(z.string()).min(1, 'KAFKA_BROKERS lists no broker')),
  /** Full URI including the service's own database, e.g. mongodb://127.0.0.1:27017/tributary_order. */
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'MONGO_URL must be a mongodb:// URI'),
  /** Partitions of the service's topics when it creates them. */
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  /**
   * How long the group waits for a silent member before giving its partitions to the others. A
   * replica that dies without leaving (SIGKILL, a lost machine) holds its partitions that long,
   * and a restarted one cannot rejoin sooner: 10 s rather than kafkajs' 30 s. Consumers heartbeat
   * between messages and while a retry backs off, so only a single handler call running longer
   * than this would be mistaken for a dead member. 6 s is real Kafka's minimum by default.
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(10_000),
  LOG_LEVEL: logLevelSchema.default('info'),
  /** The gateway's Ed25519 public key (PEM), inline or as a file: requests it did not sign get 401. */
  GATEWAY_PUBLIC_KEY: z.string().min(1).optional(),
  GATEWAY_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  /**
   * Redis for the change feed that GraphQL subscriptions read, shared by every replica; without
   * it a replica's subscribers see only that replica's changes (an in-process feed, with a warning).
   */
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'REDIS_URL must be a redis:// or rediss:// URL').optional(),
  /** TRACE_DIR, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SDK_DISABLED... (see @tributary/telemetry tracing-config.ts). */
  ...tracingEnvShape,
});

export interface ServiceConfig {
  port: number;
  host: string;
  kafkaBrokers: string[];
  mongoUrl: string;
  kafkaPartitions: number;
  kafkaSessionTimeoutMs: number;
  logLevel: z.infer<typeof logLevelSchema>;
  gatewayPublicKeyPem: string;
  /** The change feed's Redis (REDIS_URL); absent: an in-process feed. */
  redisUrl?: string;
  /** Where spans go, if anywhere (runService starts tracing with it). */
  tracing: TracingConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the shared settings plus `extra` (the service's own), with `defaultPort` for PORT.
 * Throws a ConfigError listing every problem at once.
 */
export function loadServiceConfig<Extra extends z.ZodRawShape>(
  service: string,
  env: NodeJS.ProcessEnv,
  options: { defaultPort: number; extra?: Extra },
): ServiceConfig & { env: z.output<z.ZodObject<Extra>> } {
  const schema = serviceEnvSchema.extend({ PORT: serviceEnvSchema.shape.PORT.default(options.defaultPort) }).extend(options.extra ?? ({} as Extra));
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `  ${issue.path.join('.') || 'env'}: ${issue.message}`));
  const keySources = [env.GATEWAY_PUBLIC_KEY, env.GATEWAY_PUBLIC_KEY_FILE].filter(Boolean).length;
  if (keySources !== 1) {
    problems.push('  GATEWAY_PUBLIC_KEY / GATEWAY_PUBLIC_KEY_FILE: set exactly one (the stack launcher creates .data/auth/gateway-public-key.pem)');
  }
  let publicKey = '';
  if (parsed.success && problems.length === 0) {
    try {
      publicKey = env.GATEWAY_PUBLIC_KEY ?? readFileSync(env.GATEWAY_PUBLIC_KEY_FILE as string, 'utf8');
    } catch (error) {
      problems.push(`  GATEWAY_PUBLIC_KEY_FILE: cannot read it (${(error as Error).message})`);
    }
  }
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`invalid ${service} service configuration:\n${problems.join('\n')}`);
  }
  const c = parsed.data as z.output<typeof serviceEnvSchema> & Record<string, unknown>;
  const extraKeys = Object.keys(options.extra ?? {});
  return {
    port: c.PORT,
    host: c.HOST,
    kafkaBrokers: c.KAFKA_BROKERS,
    mongoUrl: c.MONGO_URL,
    kafkaPartitions: c.KAFKA_PARTITIONS,
    kafkaSessionTimeoutMs: c.KAFKA_SESSION_TIMEOUT_MS,
    logLevel: c.LOG_LEVEL,
    gatewayPublicKeyPem: publicKey,
    ...(c.REDIS_URL ? { redisUrl: c.REDIS_URL } : {}),
    tracing: tracingConfigFrom(c),
    env: Object.fromEntries(extraKeys.map((key) => [key, c[key]])) as z.output<z.ZodObject<Extra>>,
  };
}
