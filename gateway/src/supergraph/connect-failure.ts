/**
 * Error codes of a connection that never got established: the request was not sent, so the
 * subgraph ran nothing and another replica may be asked instead. Deliberately absent: resets and
 * timeouts after connecting (ECONNRESET, EPIPE, socket/response timeouts), where the request may
 * have arrived and a mutation may have run.
 */
const CONNECT_FAILURE_CODES = new Set([
  'ECONNREFUSED', // nothing listens on the port: the replica is stopped or restarting
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND', // its host name no longer resolves (a removed container)
  'EAI_AGAIN',
  'ECONNECTIONTIMEOUT', // make-fetch-happen's agent: no connection within its connect timeout
  'UND_ERR_CONNECT_TIMEOUT', // the same from undici (global fetch)
]);

/**
 * Whether a fetch failed before connecting. Reads `code` on the error and on its `cause`: Apollo's
 * fetcher (make-fetch-happen) puts it on its FetchError, the global fetch (undici) on the cause.
 */
export function isConnectFailure(error: unknown): boolean {
  const codeOf = (value: unknown) => (typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : undefined);
  return [codeOf(error), codeOf((error as { cause?: unknown } | null)?.cause)].some(
    (code) => typeof code === 'string' && CONNECT_FAILURE_CODES.has(code),
  );
}
