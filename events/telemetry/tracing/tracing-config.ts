import { z } from 'zod';

/**
 * The tracing settings of every process, as environment variables. The gateway's and the
 * subgraphs' config.ts add this shape to their own schema, so they stay the only readers of
 * process.env; startTracing() gets the parsed TracingConfig.
 *
 *   TRACE_DIR                      keep spans locally as <TRACE_DIR>/<service>.jsonl (the stack
 *                                  launcher sets DATA_DIR/traces); read by `npm run trace`
 *   TRACE_FILE_MAX_MB              per file, default 50 (one older file is kept besides)
 *   OTEL_EXPORTER_OTLP_ENDPOINT    send spans over OTLP/HTTP to <endpoint>/v1/traces (Jaeger, a collector)
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  the same, the full URL as given
 *   OTEL_SDK_DISABLED=true         tracing off, whatever else is set
 *
 * Tracing is on when not disabled and there is somewhere to send spans; instrumentation of
 * http, graphql, mongodb and ioredis also needs the preload (register.mjs).
 */
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const httpUrl = z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).optional());

export const tracingEnvShape = {
  TRACE_DIR: z.preprocess(blankToUndefined, z.string().trim().min(1).optional()),
  TRACE_FILE_MAX_MB: z.coerce.number().int().min(1).max(100_000).default(50),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl,
  // The OpenTelemetry spec: only "true" (any case) disables; anything else leaves the SDK on.
  OTEL_SDK_DISABLED: z
    .string()
    .optional()
    .transform((value) => value?.trim().toLowerCase() === 'true'),
};

export type TracingEnv = z.output<z.ZodObject<typeof tracingEnvShape>>;

export interface TracingConfig {
  /** False with OTEL_SDK_DISABLED=true, or with neither a TRACE_DIR nor an OTLP endpoint. */
  enabled: boolean;
  /** Local JSON-lines files, one per service. */
  dir?: string;
  fileMaxBytes: number;
  /** Full URL of the OTLP/HTTP traces endpoint. */
  otlpTracesUrl?: string;
}

/** The parsed variables as startTracing() takes them. */
export function tracingConfigFrom(env: TracingEnv): TracingConfig {
  const otlpTracesUrl =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  return {
    enabled: !env.OTEL_SDK_DISABLED && (env.TRACE_DIR !== undefined || otlpTracesUrl !== undefined),
    ...(env.TRACE_DIR ? { dir: env.TRACE_DIR } : {}),
    fileMaxBytes: env.TRACE_FILE_MAX_MB * 1024 * 1024,
    ...(otlpTracesUrl ? { otlpTracesUrl } : {}),
  };
}

/** Tracing off: what tests and tools get unless they turn it on. */
export const TRACING_OFF: TracingConfig = { enabled: false, fileMaxBytes: 50 * 1024 * 1024 };
