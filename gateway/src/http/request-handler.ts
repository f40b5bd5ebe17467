import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import cors from 'cors';
import { GraphQLError } from 'graphql';
import type { Logger } from '@tributary/telemetry';
import type { GatewayContext } from '../auth/gateway-context.ts';
import { AuthenticationError, type TokenVerifier } from '../auth/verify-token.ts';
import type { Registry } from 'prom-client';
import type { ReadinessReport } from '../health/readiness.ts';
import { rateLimitCallerOf } from '../rate-limit/caller.ts';
import { rateLimitedError, type RateLimitGuard } from '../rate-limit/guard.ts';
import { answerRequestError, sendJson, sendMetrics, toHTTPGraphQLRequest, writeHTTPGraphQLResponse } from '@tributary/http';

export const GRAPHQL_PATH = '/graphql';
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface RequestHandlerDeps {
  apollo: ApolloServer<GatewayContext>;
  verifyToken: TokenVerifier;
  readiness: () => Promise<ReadinessReport>;
  /** Served as Prometheus text on GET /metrics. */
  metrics: Registry;
  logger: Logger;
  /** Per-caller operation limits; absent = no limiting (no Redis configured). */
  rateLimit?: RateLimitGuard;
  /** Browser pages (playground, live board), tried first; false = not theirs (see playground/browser-pages.ts). */
  pages?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

function unauthenticated(reason: string): GraphQLError {
  return new GraphQLError(reason, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer error="invalid_token"']]) },
    },
  });
}

/**
 * The gateway's HTTP routes: GET /health (liveness), GET /ready (readiness), GET /metrics
 * (Prometheus), and /graphql
 * served by Apollo Server. Authentication happens while building the GraphQL context, so a bad
 * token fails the request before any query planning or subgraph call.
 */
export function createRequestHandler(deps: RequestHandlerDeps): RequestListener {
  // Tokens travel in the Authorization header, not cookies, so allowing any origin exposes nothing.
  const corsMiddleware = cors();

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const httpGraphQLRequest = await toHTTPGraphQLRequest(req, url, BODY_LIMIT_BYTES);
    const response = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => {
        let actor;
        try {
          actor = await deps.verifyToken(req.headers.authorization);
        } catch (error) {
          if (error instanceof AuthenticationError) throw unauthenticated(error.message);
          throw error;
        }
        // After the token is verified (customers are counted by subject, so a forged token
        // cannot spend someone else's budget) and before Apollo parses, plans or calls anything.
        if (deps.rateLimit) {
          const decision = await deps.rateLimit(rateLimitCallerOf(actor, req.socket.remoteAddress));
          if (!decision.allowed) throw rateLimitedError(decision.retryAfterSeconds);
        }
        return { actor };
      },
    });
    await writeHTTPGraphQLResponse(res, response);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway.local');
    const method = req.method ?? 'GET';
    if (deps.pages && (await deps.pages(req, res, url))) return;
    if (url.pathname === GRAPHQL_PATH) return handleGraphQL(req, res, url);
    if (url.pathname === '/health' && method === 'GET') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/ready' && method === 'GET') {
      const report = await deps.readiness();
      return sendJson(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', ...report });
    }
    if (url.pathname === '/metrics' && method === 'GET') return sendMetrics(res, deps.metrics);
    sendJson(res, 404, { error: `no route for ${method} ${url.pathname}`, routes: [GRAPHQL_PATH, '/health', '/ready', '/metrics'] });
  }

  return (req, res) => {
    corsMiddleware(req, res, (corsError?: unknown) => {
      const handled = corsError ? Promise.reject(corsError) : route(req, res);
      handled.catch((error: unknown) => answerRequestError(res, error, deps.logger, req.url));
    });
  };
}
