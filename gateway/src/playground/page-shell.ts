/**
 * The HTML of a bundled browser page and the headers it is served with. The page references only
 * its own bundle on this origin, and the Content-Security-Policy makes the browser refuse anything
 * else: no CDN script, stylesheet or font could load even if a dependency asked for one.
 */

/**
 * The policy of a page. `inlineStyles` for GraphiQL: its dialogs (Radix, react-remove-scroll)
 * insert <style> elements at run time, which 'self' alone refuses; an inline style cannot run
 * script. The live board needs none.
 * - script-src 'self': the bundle only; no inline script, no eval.
 * - font-src/img-src data:: the fonts and icons travel inside the bundle's CSS as data: URLs.
 * - connect-src 'self' ws: wss:: GraphQL over HTTP here, and graphql-ws on this host's /graphql.
 */
export function pageCsp(options: { inlineStyles: boolean }): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    options.inlineStyles ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers of every page: the token may sit in the address (?token=), so no caching and no Referer. */
export function pageHeaders(options: { inlineStyles: boolean }): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': pageCsp(options),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}

export interface PageShell {
  title: string;
  /** The bundle is at `${assetBase}/app.js` (and app.css when `hasCss`). */
  assetBase: string;
  hasCss: boolean;
}

/** The document the bundle mounts into (#root). `title` is ours, never request input. */
export function renderPageShell(shell: PageShell): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${shell.title}</title>`,
    // An empty icon: otherwise the browser asks for /favicon.ico, which the gateway does not serve.
    '<link rel="icon" href="data:,">',
    shell.hasCss ? `<link rel="stylesheet" href="${shell.assetBase}/app.css">` : '',
    '</head>',
    '<body>',
    '<div id="root"></div>',
    `<script type="module" src="${shell.assetBase}/app.js"></script>`,
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}
