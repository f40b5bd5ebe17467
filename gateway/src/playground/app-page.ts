import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Asset, Bundler } from './bundle.ts';
import { pageHeaders, renderPageShell } from './page-shell.ts';

/** A route that answers a request it recognises (true) or leaves it to the next route (false). */
export type PageRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export interface AppPageOptions {
  title: string;
  /** Path prefix of the bundle's files, e.g. /playground → /playground/app.js, /playground/app.css. */
  assetBase: string;
  bundle: Bundler;
  /** Whether the page's CSP allows inline styles (see page-shell.ts). */
  inlineStyles: boolean;
  /** Whether a GET asks for the page itself (its path, and for /graphql a browser's Accept). */
  isPageRequest(req: IncomingMessage, url: URL): boolean;
}

function sendAsset(req: IncomingMessage, res: ServerResponse, asset: Asset): void {
  res.setHeader('content-type', asset.contentType);
  res.setHeader('etag', asset.etag);
  // Revalidated on every load: the ETag changes with the sources, the URL does not.
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-content-type-options', 'nosniff');
  if (req.headers['if-none-match'] === asset.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('content-length', asset.body.length);
  res.end(asset.body);
}

/**
 * A single-page browser app served by the gateway: its HTML shell at the page's URL and its
 * bundle under `assetBase`. The shell waits for the bundle, so a build error answers the page
 * request (500, logged by the request handler) instead of leaving a blank page.
 */
export function createAppPage(options: AppPageOptions): PageRoute {
  const jsPath = `${options.assetBase}/app.js`;
  const cssPath = `${options.assetBase}/app.css`;
  const headers = pageHeaders({ inlineStyles: options.inlineStyles });
  return async (req, res, url) => {
    if (req.method !== 'GET') return false;
    if (options.isPageRequest(req, url)) {
      const bundle = await options.bundle();
      res.writeHead(200, headers);
      res.end(renderPageShell({ title: options.title, assetBase: options.assetBase, hasCss: bundle.css !== undefined }));
      return true;
    }
    if (url.pathname !== jsPath && url.pathname !== cssPath) return false;
    const bundle = await options.bundle();
    const asset = url.pathname === jsPath ? bundle.js : bundle.css;
    if (!asset) return false;
    sendAsset(req, res, asset);
    return true;
  };
}
