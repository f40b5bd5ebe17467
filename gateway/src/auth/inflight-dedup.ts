import { Counter, type Registry } from 'prom-client';
import type { Actor } from '@tributary/contracts';

/**
 * Sharing of identical in-flight subgraph queries between concurrent client requests: the first
 * one sends, the others wait for its response. Nothing outlives the flight (this is no cache):
 * the entry is gone once the response has been read, so a later identical request sends again.
 */

/** A subgraph response read to the end once, handed to every waiter of its flight. */
export interface BufferedResponse {
  status: number;
  statusText: string;
  url: string;
  headers: [string, string][];
  text: string;
}

export interface InflightRequests {
  /**
   * Resolves with the flight under `key`, started with `send` unless one is already in the air.
   * An aborted `signal` gives up this waiter alone: the flight goes on for the others.
   */
  share(key: string, send: () => Promise<BufferedResponse>, signal?: AbortSignal | null): Promise<BufferedResponse>;
}

export function createInflightRequests(onJoined: () => void = () => undefined): InflightRequests {
  const flights = new Map<string, Promise<BufferedResponse>>();
  return {
    share(key, send, signal) {
      let flight = flights.get(key);
      if (flight) onJoined();
      else {
        flight = send();
        flights.set(key, flight);
        // Attached before any waiter's continuation, so the entry is gone before anyone sees the answer.
        const forget = () => flights.delete(key);
        flight.then(forget, forget);
      }
      return signal ? abandonable(flight, signal) : flight;
    },
  };
}

function abandonable<T>(flight: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abandon = () => reject(signal.reason);
    signal.addEventListener('abort', abandon, { once: true });
    flight.then(resolve, reject).finally(() => signal.removeEventListener('abort', abandon));
  });
}

/** Reads a response to the end, once per flight. */
export async function bufferResponse(response: Response): Promise<BufferedResponse> {
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => headers.push([name, value]));
  return { status: response.status, statusText: response.statusText, url: response.url, headers, text: await response.text() };
}

/** No body is allowed with these statuses (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * A fresh Response per waiter: Apollo parses its own copy of the body (executeQueryPlan merges
 * the data it receives into the operation's result, so waiters must not share one object).
 */
export function toResponse(buffered: BufferedResponse): Response {
  const body = NULL_BODY_STATUSES.has(buffered.status) ? null : buffered.text;
  const response = new Response(body, { status: buffered.status, statusText: buffered.statusText, headers: buffered.headers });
  // Apollo names the URL in the error of a non-2xx answer.
  Object.defineProperty(response, 'url', { value: buffered.url });
  return response;
}

/**
 * Whether a subgraph operation's text starts as a query: `{` (shorthand) or the `query` keyword,
 * after whitespace, commas and comments. Anything else (mutation, subscription, fragment first,
 * an unexpected form) is not shared: refusing is always safe.
 */
export function startsAsQuery(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === '\uFEFF') i += 1;
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i += 1;
    } else break;
  }
  if (text[i] === '{') return true;
  return text.startsWith('query', i) && !/[_0-9A-Za-z]/.test(text[i + 5] ?? '');
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` variables give one key. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Everything that changes a subgraph's answer: the subgraph, the caller (customer and role, or
 * anonymous), every header sent (names lower-cased, sorted) and the body (query, variables,
 * operation name, extensions) in canonical JSON. Undefined when the body is not JSON: not shared.
 */
export function requestKey(subgraph: string, actor: Actor | null, headers: Record<string, string>, body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const sortedHeaders = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1));
  return JSON.stringify([subgraph, actor ? [actor.customerId, actor.role] : null, sortedHeaders, canonicalJson(parsed)]);
}

/** graphql_subgraph_fetches_deduplicated_total{subgraph}: requests that joined a flight instead of sending. */
export function createDedupCounter(registry: Registry): (subgraph: string) => () => void {
  const counter = new Counter({
    name: 'graphql_subgraph_fetches_deduplicated_total',
    help: 'Subgraph query requests not sent because an identical one (same subgraph, operation, variables and caller) was in flight; they got its response.',
    labelNames: ['subgraph'],
    registers: [registry],
  });
  return (subgraph) => () => counter.inc({ subgraph });
}
