import type { Logger } from '@tributary/telemetry';
import { createLivePage, LIVE_ENTRY } from '../live/routes.ts';
import type { PageRoute } from './app-page.ts';
import { createBundler } from './bundle.ts';
import { createPlaygroundPage, PLAYGROUND_ENTRY } from './routes.ts';

export interface BrowserPagesOptions {
  graphqlPath: string;
  /** GraphiQL on GET /graphql from a browser; follows config.introspection (the schema's discoverability). */
  playground: boolean;
  /** Says when a bundle was built, and how long it took. */
  logger: Logger;
}

/**
 * Every page the gateway serves to browsers, tried before the API routes: the playground (when
 * on) and the live order board. Each bundles its browser code on first request.
 */
export function createBrowserPages(options: BrowserPagesOptions): PageRoute {
  const routes: PageRoute[] = [createLivePage({ bundle: createBundler(LIVE_ENTRY, options.logger) })];
  if (options.playground) {
    routes.unshift(createPlaygroundPage({ graphqlPath: options.graphqlPath, bundle: createBundler(PLAYGROUND_ENTRY, options.logger) }));
  }
  return async (req, res, url) => {
    for (const route of routes) if (await route(req, res, url)) return true;
    return false;
  };
}
