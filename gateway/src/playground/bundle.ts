import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import type { Logger } from '@tributary/telemetry';

/** One built file, ready to serve. */
export interface Asset {
  body: Buffer;
  contentType: string;
  /** Strong validator of `body`: a reload after the first costs a 304, not a megabyte. */
  etag: string;
}

export interface Bundle {
  js: Asset;
  /** The CSS the entry imports (absent when it imports none). */
  css?: Asset;
  buildMs: number;
}

/** Builds on the first call, then answers from memory. */
export type Bundler = () => Promise<Bundle>;

// One build per process and entry, shared by every gateway app in it (tests start several): the
// sources cannot change under a running process (a source change restarts it under tsx watch).
const builds = new Map<string, Promise<Bundle>>();

/**
 * Bundles a browser entry file and everything it imports from node_modules (JS and CSS) with
 * esbuild, in memory: nothing is written to disk and nothing is fetched from a CDN, so the page
 * works offline and loads only from the gateway. Lazy, because a gateway that never serves a page
 * (production, tests) should not pay for it; a failed build is forgotten so the next request retries.
 */
export function createBundler(entry: string, logger: Logger): Bundler {
  return () => {
    let built = builds.get(entry);
    if (!built) {
      built = buildBundle(entry);
      builds.set(entry, built);
      built.then(
        (bundle) => logger.info({ entry, ms: bundle.buildMs, jsBytes: bundle.js.body.length, cssBytes: bundle.css?.body.length ?? 0 }, 'browser bundle built'),
        () => builds.delete(entry),
      );
    }
    return built;
  };
}

function asset(body: Uint8Array, contentType: string): Asset {
  const buffer = Buffer.from(body);
  return { body: buffer, contentType, etag: `"${createHash('sha256').update(buffer).digest('base64url').slice(0, 27)}"` };
}

async function buildBundle(entry: string): Promise<Bundle> {
  const started = performance.now();
  const result = await build({
    entryPoints: { app: entry },
    bundle: true,
    write: false,
    // A virtual directory: with write: false it only names the outputs (app.js, app.css).
    outdir: '/bundle',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    // React's production build: smaller, and no development warnings in the console.
    define: { 'process.env.NODE_ENV': '"production"' },
    // Fonts and images a stylesheet refers to travel inside the CSS, so the page needs no other file.
    loader: { '.woff2': 'dataurl', '.woff': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const css = result.outputFiles.find((file) => file.path.endsWith('.css'));
  if (!js) throw new Error(`esbuild produced no JavaScript for ${entry}`);
  return {
    js: asset(js.contents, 'text/javascript; charset=utf-8'),
    ...(css ? { css: asset(css.contents, 'text/css; charset=utf-8') } : {}),
    buildMs: Math.round(performance.now() - started),
  };
}
