import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseScale } from './scale.ts';
import type { EmbeddedServerName } from './services.ts';

/**
 * The launcher's configuration. This is the only file that reads process.env (`readStackConfig`);
 * everything else gets a StackConfig passed in, so tests build one with `parseStackConfig`.
 *
 * KAFKA_BROKERS / MONGO_URL / REDIS_URL / PAYMENT_PROVIDER_URL / SMTP_URL: when set, the launcher
 * uses those servers and starts no embedded one for them. KAFKA_PORT / MONGO_PORT / REDIS_PORT /
 * PAYMENT_PROVIDER_PORT / SMTP_PORT are the preferred ports of the embedded servers (9092, 27017,
 * 6379, 4010, 2525); a busy preferred port is replaced by a free one, and the summary box prints
 * where each server really listens.
 *
 * SCALE=inventory=3,order=2: replicas of subgraphs (scale.ts); the CLI's --scale adds to it.
 */

/** The repository root: src/ -> stack/ -> embedded/ -> compose/ -> root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z.string().trim().min(1).optional().catch(undefined);
/** An optional URL variable: empty means unset, anything else must match `pattern`. */
const optionalUrl = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined)
    .pipe(z.string().regex(pattern, message).optional());

const envSchema = z.object({
  KAFKA_BROKERS: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value.split(',').map((broker) => broker.trim()).filter(Boolean) : undefined))
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'each broker must be host:port')).min(1).optional()),
  MONGO_URL: optionalUrl(/^mongodb(\+srv)?:\/\//, 'MONGO_URL must start with mongodb:// or mongodb+srv://'),
  REDIS_URL: optionalUrl(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://'),
  PAYMENT_PROVIDER_URL: optionalUrl(/^https?:\/\/\S+$/, 'PAYMENT_PROVIDER_URL must be an http:// or https:// URL'),
  SMTP_URL: optionalUrl(/^smtps?:\/\/[^/\s]+/, 'SMTP_URL must be an smtp:// or smtps:// URL'),
  GATEWAY_PORT: port.default(4000),
  DATA_DIR: optionalText,
  LOG_LEVEL: z.enum(logLevels).default('info'),
  KAFKA_PORT: port.default(9092),
  MONGO_PORT: port.default(27017),
  REDIS_PORT: port.default(6379),
  PAYMENT_PROVIDER_PORT: port.default(4010),
  SMTP_PORT: port.default(2525),
  READY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  STOP_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  SCALE: z
    .string()
    .optional()
    .transform((value, context) => {
      try {
        return parseScale(value ?? '');
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** OpenTelemetry's switch: "true" (any case) turns tracing off in every service. */
  OTEL_SDK_DISABLED: z
    .string()
    .optional()
    .transform((value) => value?.trim().toLowerCase() === 'true'),
});

export type LogLevel = (typeof logLevels)[number];

export interface StackConfig {
  repoRoot: string;
  /** Real servers to use instead of embedded ones; undefined means "start the embedded one". */
  external: { kafkaBrokers?: string[]; mongoUrl?: string; redisUrl?: string; paymentProviderUrl?: string; smtpUrl?: string };
  /** Preferred ports of the embedded servers (0 = any free port). */
  embeddedPorts: Record<EmbeddedServerName, number>;
  /** The gateway's port; 0 picks a free one (tests). Not moved when busy: clients are pointed at it. */
  gatewayPort: number;
  dataDir: string;
  logLevel: LogLevel;
  readyTimeoutMs: number;
  stopGraceMs: number;
  /** Replicas per subgraph name (only those asked for; any other runs once). */
  scale: Record<string, number>;
  /**
   * Whether the gateway and the subgraphs trace (unless OTEL_SDK_DISABLED=true): they then get
   * the tracing preload and keep their spans in DATA_DIR/traces (see services.ts tracingEnv).
   */
  tracing: boolean;
  /** The environment every child starts from (PATH, HOME, JWKS_URL...), before the launcher's own values. */
  baseEnv: Record<string, string>;
}

export class StackConfigError extends Error {
  override name = 'StackConfigError';
}

/** Parses an environment into a StackConfig; throws a StackConfigError naming every bad variable. */
export function parseStackConfig(env: Record<string, string | undefined>, repoRoot: string = REPO_ROOT): StackConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new StackConfigError(`invalid stack configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  const baseEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) baseEnv[key] = value;
  return {
    repoRoot,
    external: {
      kafkaBrokers: e.KAFKA_BROKERS,
      mongoUrl: e.MONGO_URL,
      redisUrl: e.REDIS_URL,
      paymentProviderUrl: e.PAYMENT_PROVIDER_URL,
      smtpUrl: e.SMTP_URL,
    },
    embeddedPorts: {
      kafka: e.KAFKA_PORT,
      mongo: e.MONGO_PORT,
      redis: e.REDIS_PORT,
      'payment-provider': e.PAYMENT_PROVIDER_PORT,
      smtp: e.SMTP_PORT,
    },
    gatewayPort: e.GATEWAY_PORT,
    dataDir: path.resolve(repoRoot, e.DATA_DIR ?? '.data'),
    logLevel: e.LOG_LEVEL,
    readyTimeoutMs: e.READY_TIMEOUT_MS,
    stopGraceMs: e.STOP_GRACE_MS,
    scale: e.SCALE,
    tracing: !e.OTEL_SDK_DISABLED,
    baseEnv,
  };
}

/** The process's own configuration: the one place process.env is read. */
export function readStackConfig(): StackConfig {
  return parseStackConfig(process.env);
}
