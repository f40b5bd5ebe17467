/**
 * Tracing helpers that need only the OpenTelemetry API (no SDK): what the bus, the service kit
 * and the gateway use to make and propagate spans, and what `npm run trace` reads. Starting the
 * SDK is `@tributary/telemetry/tracing/start` (start-tracing.ts), kept apart so that importing
 * these does not load the SDK and its exporters.
 */
export * from './attributes.ts';
export * from './log-fields.ts';
export * from './messaging-spans.ts';
export * from './order-context.ts';
export * from './propagation.ts';
export * from './span-record.ts';
export * from './trace-files.ts';
export * from './traced-append.ts';
export * from './tracing-config.ts';
export * from './waterfall.ts';
