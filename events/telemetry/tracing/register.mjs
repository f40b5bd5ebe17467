/**
 * The tracing preload: `node --import <this file>` (the stack launcher puts it in NODE_OPTIONS of
 * the gateway and every subgraph; so does the Dockerfile). It must run before the application
 * loads: the instrumentations patch http, undici, graphql, mongodb and ioredis as they are
 * loaded, through require hooks for CommonJS and the import-in-the-middle loader hook for ESM
 * imports (our code is ESM run by tsx), and neither sees a module that was loaded before them.
 *
 * It only patches. It reads no environment and exports nothing: the instrumentations take their
 * tracer from the global OpenTelemetry API, which hands out no-op spans until the process's main
 * calls startTracing() with its own configuration (config.ts); with tracing off, nothing
 * is ever recorded. Plain JavaScript on purpose: with NODE_OPTIONS it may run before tsx's own
 * loader, so it cannot import TypeScript.
 *
 * Not patched: kafkajs. Its instrumentation does not fit our bus: a sendBatch from the outbox
 * relay would start every message's span in the relay loop's (empty) context and overwrite the
 * event's traceparent header, cutting each event off its trace; and eachBatch gets one root
 * "poll" span per batch instead of one span per handled message. The relay and the consumer
 * runner make those spans themselves (events/telemetry/tracing/messaging-spans.ts).
 */
import Module, { register } from 'node:module';
import process from 'node:process';

/** Probes and scrapes: a span per readiness check or Prometheus scrape would bury the orders. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

/** The path of an incoming request, an http.request options object, or an undici request. */
function untraced(pathWithQuery) {
  return UNTRACED_PATHS.has(String(pathWithQuery ?? '').split('?')[0]);
}

/**
 * db.query.text of a MongoDB span: the command's shape two levels deep, values as "?" (never
 * data), arrays as their length. The instrumentation's default walks the whole command, the
 * documents of every insert included, which costs more than the query on a busy saga.
 */
function mongoShape(command) {
  const shape = (value, depth) => {
    if (Array.isArray(value)) return `[${value.length}]`;
    // Only plain objects are walked: an ObjectId, a Date or a Buffer is a value.
    const plain = typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value));
    if (!plain || depth === 0) return '?';
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner, depth - 1)]));
  };
  return JSON.stringify(shape(command, 2));
}

/**
 * Registers the loader hook and the instrumentations. The hook wraps only the modules the
 * instrumentations ask for (the message channel tells the loader which), so every other module,
 * our TypeScript included, loads exactly as without it.
 */
async function instrument() {
  const [{ createAddHookMessageChannel }, { registerInstrumentations }, graphql, http, ioredis, mongodb, undici] = await Promise.all([
    import('import-in-the-middle'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-graphql'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@opentelemetry/instrumentation-mongodb'),
    import('@opentelemetry/instrumentation-undici'),
  ]);
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const plainRequire = Module.prototype.require;
  registerInstrumentations({
    instrumentations: [
      new http.HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => untraced(request.url),
        ignoreOutgoingRequestHook: (options) => untraced(options.path),
        // An outgoing call with no span around it is a background poll (readiness, retries):
        // as a trace of its own it would say nothing.
        requireParentforOutgoingSpans: true,
      }),
      // The payment provider client (undici Pool) and fetch().
      new undici.UndiciInstrumentation({
        ignoreRequestHook: (request) => untraced(request.path),
        requireParentforSpans: true,
      }),
      new graphql.GraphQLInstrumentation({
        // Root fields only (placeOrder, _entities...): a span per field of a list is noise, and costly.
        depth: 1,
        ignoreTrivialResolveSpans: true,
        mergeItems: true,
      }),
      // Queries outside any span (the relay's outbox poll, lease renewals, deadline scans) run
      // every few hundred milliseconds: with requireParentSpan they make no traces of their own.
      new mongodb.MongoDBInstrumentation({ requireParentSpan: true, dbStatementSerializer: mongoShape }),
      new ioredis.IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  skipRequireHookWhereNothingIsPatched(plainRequire);
  await waitForAllMessagesAcknowledged();
}

/** Packages whose files the instrumentations patch (http is a builtin, undici a diagnostics channel). */
const PATCHED_PACKAGES = /[\\/]node_modules[\\/](mongodb|ioredis|graphql)[\\/]/;

/**
 * The require hook (require-in-the-middle) resolves every require() to a file name to see
 * whether to patch it, and under tsx each resolution formats an Error stack with source maps.
 * kafkajs requires a protocol module on every request it sends, which made that lookup most of
 * the tracing overhead of a busy saga. A relative require only reaches a file of the requiring
 * package, so one from a package nothing patches skips the hook.
 */
function skipRequireHookWhereNothingIsPatched(plainRequire) {
  const hookedRequire = Module.prototype.require;
  if (hookedRequire === plainRequire) return;
  Module.prototype.require = function require(id) {
    const relative = typeof id === 'string' && (id.startsWith('./') || id.startsWith('../'));
    const from = typeof this?.filename === 'string' ? this.filename : '';
    const hook = !relative || PATCHED_PACKAGES.test(from) || !from.includes('node_modules');
    return (hook ? hookedRequire : plainRequire).apply(this, arguments);
  };
}

// `node -e` (the containers' health checks, where NODE_OPTIONS carries this preload) and the
// REPL run no service: they skip the ~150 ms of loading the instrumentations.
if (process.argv[1] !== undefined) await instrument();
