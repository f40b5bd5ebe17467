import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Logger } from '../logger.ts';
import { JsonLinesSpanExporter } from './jsonl-span-exporter.ts';
import type { TracingConfig } from './tracing-config.ts';

export interface Tracing {
  readonly enabled: boolean;
  /** Exports what is still buffered and unregisters the SDK; call it last when stopping. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /** service.name of every span: `gateway` or the subgraph's name; also names the local trace file. */
  service: string;
  config: TracingConfig;
  /** Told about exporter failures (an unreachable OTLP endpoint, a full disk). */
  logger?: Logger;
  /** Instead of the configured exporters (tests pass an in-memory one). */
  spanProcessors?: SpanProcessor[];
  /**
   * Detect host and process resource attributes (default true). Some settle asynchronously, and
   * spans wait for them before export: tests that read spans at once turn it off.
   */
  detectResources?: boolean;
}

const OFF: Tracing = { enabled: false, shutdown: async () => undefined };

/**
 * Starts the OpenTelemetry SDK for this process: spans of service `service` go to the local
 * trace files and/or OTLP, W3C trace context is what crosses process boundaries (HTTP headers,
 * the event envelope, Kafka headers), and the async context follows promises
 * (AsyncLocalStorage). Called first thing by each process's main, after its config is read.
 *
 * The instrumentations are not registered here but by the preload (register.mjs), which has to
 * patch modules before the application loads them; until this runs, they record nothing.
 */
export function startTracing(options: StartTracingOptions): Tracing {
  if (!options.config.enabled && !options.spanProcessors) return OFF;
  if (options.logger) routeDiagnostics(options.logger);
  const sdk = new NodeSDK({
    serviceName: options.service,
    autoDetectResources: options.detectResources ?? true,
    spanProcessors: options.spanProcessors ?? spanProcessorsFor(options.service, options.config),
    // Registered by the preload; an empty list here keeps the SDK from loading its defaults.
    instrumentations: [],
    textMapPropagator: new W3CTraceContextPropagator(),
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    // Logs stay pino's (with trace ids, see log-fields.ts); no OTLP log exporter from the environment.
    logRecordProcessors: [],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown() {
      stopped ??= sdk
        .shutdown()
        .catch((error: unknown) => options.logger?.warn({ err: error }, 'tracing shutdown failed; the last spans may be lost'))
        .finally(() => {
          // Unregistered so that a later startTracing (another test) can register again.
          trace.disable();
          context.disable();
          propagation.disable();
          diag.disable();
        });
      return stopped;
    },
  };
}

function spanProcessorsFor(service: string, config: TracingConfig): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (config.dir) {
    // Short delay: `npm run trace` right after an order should find its spans on disk.
    processors.push(
      new BatchSpanProcessor({
        exporter: new JsonLinesSpanExporter({ dir: config.dir, service, maxBytes: config.fileMaxBytes }),
        scheduledDelayMillis: 500,
        maxQueueSize: 8192,
        maxExportBatchSize: 1024,
      }),
    );
  }
  if (config.otlpTracesUrl) {
    processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: config.otlpTracesUrl }), scheduledDelayMillis: 1000, maxQueueSize: 8192 }));
  }
  return processors;
}

/**
 * @apollo/gateway's built-in usage metrics read a resource of their own (OpenTelemetry 1.x)
 * before its detectors settle and say so on the shared diagnostics channel, whatever we do.
 */
const FOREIGN_NOISE = new Set(['Accessing resource attributes before async attributes settled']);

/** The SDK's own warnings (dropped spans, failed exports) as log lines instead of console output. */
function routeDiagnostics(logger: Logger): void {
  const log = logger.child({ component: 'tracing' });
  diag.setLogger(
    {
      error: (message, ...args) => {
        if (!FOREIGN_NOISE.has(message)) log.error({ args }, message);
      },
      warn: (message, ...args) => log.warn({ args }, message),
      info: (message) => log.debug(message),
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
}
