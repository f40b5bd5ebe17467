/**
 * GraphiQL keeps its tabs, and each tab's headers, in localStorage (`graphiql:tabState`, and
 * `graphiql:headers` for the editor's current text). A new development link (`?token=`) must
 * reach the tabs a user already has, not only fresh ones: this writes its Authorization header
 * into every stored tab, keeping the tabs' queries and any other headers.
 */

const TABS_KEY = 'graphiql:tabState';
const HEADERS_KEY = 'graphiql:headers';

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** A headers editor text with `Authorization` set (a text that is not a JSON object is replaced). */
export function withAuthorization(headers: string | null | undefined, authorization: string): string {
  let parsed: unknown;
  try {
    parsed = headers ? JSON.parse(headers) : {};
  } catch {
    parsed = {};
  }
  const object = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  // One Authorization header, whatever case the user typed it in.
  const others = Object.fromEntries(Object.entries(object).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return JSON.stringify({ Authorization: authorization, ...others }, null, 2);
}

export function applyAuthorizationToStoredTabs(storage: KeyValueStorage, authorization: string): void {
  const stored = storage.getItem(TABS_KEY);
  if (stored) {
    try {
      const state = JSON.parse(stored) as { tabs?: { headers?: string | null }[] };
      for (const tab of state.tabs ?? []) tab.headers = withAuthorization(tab.headers, authorization);
      storage.setItem(TABS_KEY, JSON.stringify(state));
    } catch {
      // Not GraphiQL's format: GraphiQL itself will discard it and start from the example tabs.
    }
  }
  if (storage.getItem(HEADERS_KEY) !== null) storage.setItem(HEADERS_KEY, withAuthorization(storage.getItem(HEADERS_KEY), authorization));
}
