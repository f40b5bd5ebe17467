import { fileURLToPath } from 'node:url';
import { prefersHtml } from './accepts-html.ts';
import { createAppPage, type PageRoute } from './app-page.ts';
import type { Bundler } from './bundle.ts';

/** The GraphiQL app (browser code, bundled by esbuild, never run by Node). */
export const PLAYGROUND_ENTRY = fileURLToPath(new URL('./browser/main.ts', import.meta.url));

/**
 * GraphiQL at the GraphQL endpoint itself: a browser opening /graphql gets the playground, every
 * other request there (POST, GET with a query from a client) still reaches Apollo.
 */
export function createPlaygroundPage(options: { graphqlPath: string; bundle: Bundler }): PageRoute {
  return createAppPage({
    title: 'Tributary playground',
    assetBase: '/playground',
    bundle: options.bundle,
    // GraphiQL's dialogs insert <style> elements.
    inlineStyles: true,
    isPageRequest: (req, url) => url.pathname === options.graphqlPath && prefersHtml(req),
  });
}
