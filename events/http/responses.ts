import type { ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '@tributary/telemetry';
import { BadRequestBodyError } from './node-graphql-request.ts';

/** JSON answers of the operational routes; never cached (health changes from one call to the next). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

/** Prometheus text exposition of a process's registry. */
export async function sendMetrics(res: ServerResponse, metrics: Registry): Promise<void> {
  res.setHeader('content-type', metrics.contentType);
  res.end(await metrics.metrics());
}

/**
 * The last resort of a request handler: a body that cannot become a GraphQL request is the
 * client's fault (its own status, code BAD_REQUEST, and the connection closes); anything else is logged and answered 500
 * without details, or the socket is dropped when the response had already begun.
 */
export function answerRequestError(res: ServerResponse, error: unknown, logger: Logger, url: string | undefined): void {
  if (error instanceof BadRequestBodyError) {
    // The refused body may not have been read to its end (a 413 stops reading at the limit): the
    // connection cannot carry another request, so say so and let Node close it after the answer.
    // Kept alive, the client's next request on it would wait behind the unread bytes, then reset.
    if (!res.headersSent) res.setHeader('connection', 'close');
    sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  logger.error({ err: error, url }, 'request failed');
  if (res.headersSent) res.destroy();
  else sendJson(res, 500, { errors: [{ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}
