import { fileURLToPath } from 'node:url';
import { createAppPage, type PageRoute } from '../playground/app-page.ts';
import type { Bundler } from '../playground/bundle.ts';

/** The live order board (browser code, bundled by esbuild, never run by Node). */
export const LIVE_ENTRY = fileURLToPath(new URL('./browser/main.ts', import.meta.url));

export const LIVE_PATH = '/live';

/**
 * The live order board at /live. Served in every environment (unlike the playground): it is a
 * client of the API, not a way to discover the schema, and shows only what the caller's token may see.
 */
export function createLivePage(options: { bundle: Bundler }): PageRoute {
  return createAppPage({
    title: 'Tributary · live orders',
    assetBase: LIVE_PATH,
    bundle: options.bundle,
    inlineStyles: false,
    isPageRequest: (_req, url) => url.pathname === LIVE_PATH || url.pathname === `${LIVE_PATH}/`,
  });
}
