import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { errorAnswer, type Answer, type Ledger } from './ledger.ts';
import { createCharge, createRefund, getCharge, type Outcome } from './routes.ts';

const BODY_LIMIT_BYTES = 64 * 1024;

export interface ProviderServerOptions {
  ledger: Ledger;
  logger: Logger;
  /** How long a pm_card_timeout request is held before its connection is dropped unanswered. */
  timeoutHoldMs: number;
}

export interface ProviderServer {
  httpServer: Server;
  /** Drops held requests and open connections, then stops listening. */
  close(): Promise<void>;
}

class BadBodyError extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) throw new BadBodyError(`body larger than ${BODY_LIMIT_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch {
    throw new BadBodyError('body is not valid JSON');
  }
}

function send(res: ServerResponse, answer: Answer): void {
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The HTTP face of the provider: routing, bodies, and the held (never answered) requests. */
export function createProviderServer(options: ProviderServerOptions): ProviderServer {
  const { ledger, logger } = options;
  const held = new Set<NodeJS.Timeout>();

  function hold(res: ServerResponse): void {
    // Like a provider that hangs: the client's own timeout must fire first. Then the
    // connection is dropped without an answer, as a crashed upstream would.
    const timer = setTimeout(() => {
      held.delete(timer);
      res.socket?.destroy();
    }, options.timeoutHoldMs);
    held.add(timer);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://provider.local');
    const method = req.method ?? 'GET';
    const key = req.headers['idempotency-key'];
    const idempotencyKey = Array.isArray(key) ? key[0] : key;
    let outcome: Outcome;
    if (method === 'POST' && url.pathname === '/v1/charges') outcome = createCharge(ledger, await readJson(req), idempotencyKey);
    else if (method === 'POST' && url.pathname === '/v1/refunds') outcome = createRefund(ledger, await readJson(req), idempotencyKey);
    else if (method === 'GET' && url.pathname === '/v1/charges') {
      outcome = { status: 200, body: { data: ledger.listCharges(url.searchParams.get('description') ?? undefined) } };
    } else if (method === 'GET' && url.pathname.startsWith('/v1/charges/')) outcome = getCharge(ledger, decodeURIComponent(url.pathname.slice('/v1/charges/'.length)));
    else if (method === 'GET' && url.pathname === '/v1/stats') outcome = { status: 200, body: ledger.stats() };
    else if (method === 'GET' && url.pathname === '/health') outcome = { status: 200, body: { status: 'ok' } };
    else outcome = errorAnswer(404, 'invalid_request_error', 'route_unknown', `no route for ${method} ${url.pathname}`);

    if ('hold' in outcome) return hold(res);
    logger.debug({ method, path: url.pathname, status: outcome.status, idempotencyKey }, 'answered');
    send(res, outcome);
  }

  const httpServer = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof BadBodyError) return send(res, errorAnswer(400, 'invalid_request_error', 'body_invalid', error.message));
      logger.error({ err: error, url: req.url }, 'request failed');
      if (!res.headersSent) send(res, errorAnswer(500, 'api_error', 'internal_error', 'internal error'));
    });
  });

  return {
    httpServer,
    close() {
      for (const timer of held) clearTimeout(timer);
      held.clear();
      return new Promise((resolve, reject) => {
        httpServer.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive and held connections would otherwise keep close() waiting.
        httpServer.closeAllConnections();
      });
    },
  };
}
