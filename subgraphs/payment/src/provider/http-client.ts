import { Pool } from 'undici';
import { ProviderUnavailableError } from './errors.ts';

export interface ProviderResponse {
  status: number;
  body: ProviderBody;
}

/** The provider's JSON: a resource, or `{ error: { type, code, message } }`. */
export interface ProviderBody {
  id?: string;
  status?: string;
  error?: { type?: string; code?: string; message?: string; charge?: string };
}

export interface ProviderHttpClient {
  post(path: string, body: unknown, idempotencyKey: string, signal?: AbortSignal): Promise<ProviderResponse>;
  close(): Promise<void>;
}

/**
 * JSON over one keep-alive connection pool. Every call has a deadline (`timeoutMs`, the whole
 * exchange) so a hanging provider costs at most that; a missed deadline or a broken connection
 * is a ProviderUnavailableError, like a 5xx.
 */
export function createProviderHttpClient(options: { baseUrl: string; timeoutMs: number; connections?: number }): ProviderHttpClient {
  const base = new URL(options.baseUrl);
  const pool = new Pool(base.origin, { connections: options.connections ?? 16, keepAliveTimeout: 30_000, pipelining: 1 });
  const prefix = base.pathname.replace(/\/$/, '');

  return {
    async post(path, body, idempotencyKey, signal) {
      const deadline = AbortSignal.timeout(options.timeoutMs);
      try {
        const response = await pool.request({
          path: `${prefix}${path}`,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
        });
        const text = await response.body.text();
        let parsed: ProviderBody = {};
        try {
          parsed = text ? (JSON.parse(text) as ProviderBody) : {};
        } catch {
          // A proxy's HTML error page, say: the status code still tells what happened.
        }
        return { status: response.statusCode, body: parsed };
      } catch (error) {
        const reason = deadline.aborted ? `no answer within ${options.timeoutMs} ms` : (error as Error).message;
        throw new ProviderUnavailableError(`payment provider unreachable: ${reason}`, { cause: error });
      }
    },
    close: () => pool.close(),
  };
}
