import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer, BaseContext } from '@apollo/server';
import type { Registry } from 'prom-client';
import type { HealthReport } from '@tributary/telemetry';
import type { Logger } from '@tributary/telemetry';
import type { Actor } from '@tributary/contracts';
import { ASSERTION_HEADER, UntrustedRequestError, type AssertionVerifier } from './gateway-assertion.ts';
import { fromBodyText, readBody, writeHTTPGraphQLResponse } from './node-graphql-request.ts';
import { answerRequestError, sendJson, sendMetrics } from './responses.ts';

export const GRAPHQL_PATH = '/graphql';
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface ServiceServerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Checks that the gateway sent the request; its verdict (the caller) reaches `context`. */
  verifier: AssertionVerifier;
  context: (req: IncomingMessage, actor: Actor | null) => Promise<TContext>;
  /** Readiness: every dependency the service needs to do useful work. */
  ready: () => Promise<HealthReport>;
  metrics: Registry;
  logger: Logger;
}

export interface ServiceServer {
  httpServer: Server;
  /** Listens and resolves with the GraphQL endpoint URL. */
  listen(port: number, host: string): Promise<string>;
}

/**
 * The HTTP face every subgraph shares: /graphql (Apollo Server), GET /health (liveness: the
 * process answers), GET /ready (readiness: its dependencies answer), GET /metrics (Prometheus).
 * Apollo's ApolloServerPluginDrainHttpServer should be given `httpServer` for graceful stops.
 */
export function createServiceServer<TContext extends BaseContext>(options: ServiceServerOptions<TContext>): ServiceServer {
  const { apollo, logger } = options;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://service.local');
    const method = req.method ?? 'GET';
    if (url.pathname === GRAPHQL_PATH) {
      const text = method === 'POST' ? await readBody(req, BODY_LIMIT_BYTES) : undefined;
      let actor: Actor | null;
      try {
        // The assertion covers the body of a POST, the query string of a GET.
        actor = await options.verifier.verify(headerValue(req.headers[ASSERTION_HEADER]), text ?? url.search);
      } catch (error) {
        if (!(error instanceof UntrustedRequestError)) throw error;
        logger.warn({ reason: error.message, remote: req.socket.remoteAddress }, 'refused a request the gateway did not sign');
        return sendJson(res, 401, { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      const httpGraphQLRequest = fromBodyText(req, url, text);
      const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => options.context(req, actor) });
      return writeHTTPGraphQLResponse(res, response);
    }
    if (method !== 'GET') return sendJson(res, 405, { error: `${method} not allowed on ${url.pathname}` });
    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/ready') {
      const report = await options.ready();
      return sendJson(res, report.status === 'ok' ? 200 : 503, report);
    }
    if (url.pathname === '/metrics') return sendMetrics(res, options.metrics);
    sendJson(res, 404, { error: `no route for ${method} ${url.pathname}`, routes: [GRAPHQL_PATH, '/health', '/ready', '/metrics'] });
  }

  function headerValue(value: string | string[] | undefined): string | undefined {
    return Array.isArray(value) ? value[0] : value;
  }

  const httpServer = createServer((req, res) => {
    route(req, res).catch((error: unknown) => answerRequestError(res, error, logger, req.url));
  });

  // The gateway keeps connections to subgraphs alive between requests. Node closes an idle
  // connection after 5 s by default, which races with the gateway reusing it ("socket hang up"):
  // the side that reuses connections must not be the one that keeps them longer.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  return {
    httpServer,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address() as AddressInfo;
          const shownHost = host.includes(':') ? `[${host}]` : host;
          resolve(`http://${shownHost}:${address.port}${GRAPHQL_PATH}`);
        });
      });
    },
  };
}
