/// <reference lib="dom" />
/**
 * Browser side, shared by the playground and the live board: where this gateway's GraphQL endpoint
 * is, and who the user is. A development link carries a token (`?token=<jwt>`, printed by
 * `npm run dev`); the page keeps it in localStorage and takes it out of the address bar at once,
 * so it is not left in the history, a bookmark or a screenshot.
 */

const STORAGE_KEY = 'tributary:authorization';

/** `Bearer <jwt>` from the URL (stored, then removed from the address) or from an earlier visit. */
export function takeAuthorization(): string | undefined {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token')?.trim();
  if (token) {
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    const authorization = `Bearer ${token}`;
    try {
      window.localStorage.setItem(STORAGE_KEY, authorization);
    } catch {
      // Storage refused (private mode, quota): the token still works for this visit.
    }
    return authorization;
  }
  try {
    return window.localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Forgets the stored token (the server refused it). */
export function forgetAuthorization(): void {
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

/** The GraphQL endpoint on this origin, over HTTP and over WebSocket (graphql-ws). */
export function graphqlEndpoints(path = '/graphql'): { http: string; ws: string } {
  const { protocol, host } = window.location;
  return { http: `${protocol}//${host}${path}`, ws: `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${path}` };
}
