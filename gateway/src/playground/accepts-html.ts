import type { IncomingMessage } from 'node:http';

/** The quality a media range in an Accept header gives `type` (0 when not listed). */
function quality(accept: string, type: string): number {
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (range !== type) continue;
    const q = params.find((param) => param.startsWith('q='));
    return q ? Number(q.slice(2)) || 0 : 1;
  }
  return 0;
}

/**
 * Whether a request comes from a browser navigating to the URL (Accept lists text/html, at least
 * as wanted as JSON) rather than from a GraphQL client, the same distinction Apollo's landing
 * page makes: `curl` (Accept: *\/*) and GraphQL GET requests keep getting GraphQL answers.
 */
export function prefersHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  const html = quality(accept, 'text/html');
  return html > 0 && html >= quality(accept, 'application/json');
}
