import type { Server } from 'node:http';
import { GraphQLError, getOperationAST, parse, validate, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Actor } from '@tributary/contracts';
import type { Logger } from '@tributary/telemetry';
import type { GatewayContext } from '../auth/gateway-context.ts';
import type { TokenVerifier } from '../auth/verify-token.ts';
import { checkOperation, type OperationLimits } from '../limits/operation-limits.ts';
import { rateLimitCallerOf } from '../rate-limit/caller.ts';
import type { RateLimitGuard } from '../rate-limit/guard.ts';
import { CLOSE_UNAUTHORIZED, verifyConnection } from './connection-auth.ts';
import type { FederatedSubscriptions } from './federated-subscriptions.ts';
import type { SubscriptionMetrics } from './subscription-metrics.ts';

export interface SubscriptionServerDeps {
  httpServer: Server;
  path: string;
  /** The API schema operations are validated against (it changes on a supergraph reload). */
  apiSchema(): GraphQLSchema | undefined;
  verifyToken: TokenVerifier;
  rateLimit?: RateLimitGuard;
  limits: OperationLimits;
  maxSubscriptionsPerConnection: number;
  /** Keep-alive ping interval; a client that misses a pong is disconnected. */
  keepAliveMs: number;
  subscriptions: FederatedSubscriptions;
  /** Queries and mutations sent over the socket run through the HTTP path's Apollo Server. */
  executeOperation(request: { query: string; variables?: Record<string, unknown>; operationName?: string }, context: GatewayContext): Promise<ExecutionResult>;
  metrics: SubscriptionMetrics;
  logger: Logger;
}

export interface SubscriptionServer {
  /** Ends every subscription with `code`, then closes the sockets (1001). */
  close(code: string, message: string): Promise<void>;
}

interface ConnectionState {
  actor: Actor | undefined;
  expiry?: NodeJS.Timeout;
}

/** What the execution of one socket operation carries from onSubscribe to execute/subscribe. */
interface OperationContext extends GatewayContext {
  source: string;
}

function refusal(message: string, code: string, extensions: Record<string, unknown> = {}): GraphQLError[] {
  return [new GraphQLError(message, { extensions: { code, ...extensions } })];
}

/**
 * graphql-ws on the gateway's own port and path (/graphql): the socket is authenticated once
 * (connectionParams), each operation is limited, rate-limited and validated like an HTTP one,
 * subscriptions run through the federation (FederatedSubscriptions), queries and mutations
 * through Apollo Server.
 */
export function attachSubscriptionServer(deps: SubscriptionServerDeps): SubscriptionServer {
  const wsServer = new WebSocketServer({ server: deps.httpServer, path: deps.path, maxPayload: deps.limits.maxBytes + 4096 });
  const connections = new WeakMap<WebSocket, ConnectionState>();

  const server = useServer<Record<string, unknown> | undefined, { state?: ConnectionState }>(
    {
      async onConnect(ctx) {
        const verdict = await verifyConnection(ctx.connectionParams, deps.verifyToken);
        const socket = ctx.extra.socket;
        if (!verdict.ok) {
          deps.metrics.refused.inc({ code: 'UNAUTHENTICATED' });
          socket.close(verdict.code, verdict.reason);
          return false;
        }
        const state: ConnectionState = { actor: verdict.actor };
        if (verdict.expiresAtMs !== undefined) {
          // A socket outliving its token would keep streaming to a caller no longer authenticated.
          const delay = Math.max(0, Math.min(verdict.expiresAtMs - Date.now(), 2 ** 31 - 1));
          state.expiry = setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized: token expired'), delay);
          state.expiry.unref();
        }
        connections.set(socket, state);
        return true;
      },
      onClose(ctx) {
        clearTimeout(connections.get(ctx.extra.socket)?.expiry);
      },
      async onSubscribe(ctx, _id, payload) {
        const actor = connections.get(ctx.extra.socket)?.actor;
        const open = Object.keys(ctx.subscriptions).length;
        if (open > deps.maxSubscriptionsPerConnection) {
          deps.metrics.refused.inc({ code: 'SUBSCRIPTION_LIMIT' });
          return refusal(`at most ${deps.maxSubscriptionsPerConnection} operations at a time on one connection`, 'SUBSCRIPTION_LIMIT', { limit: deps.maxSubscriptionsPerConnection });
        }
        if (deps.rateLimit) {
          const decision = await deps.rateLimit(rateLimitCallerOf(actor, ctx.extra.request.socket.remoteAddress));
          if (!decision.allowed) {
            return refusal(`rate limit exceeded; retry after ${decision.retryAfterSeconds} s`, 'RATE_LIMITED', { retryAfterSeconds: decision.retryAfterSeconds });
          }
        }
        const schema = deps.apiSchema();
        if (!schema) return refusal('the gateway has not loaded its schema yet', 'UNAVAILABLE');
        const variables = (payload.variables ?? {}) as Record<string, unknown>;
        const limited = checkOperation(schema, payload.query, deps.limits, variables);
        if (limited) {
          deps.metrics.refused.inc({ code: 'OPERATION_LIMIT' });
          return [limited];
        }
        let document;
        try {
          document = parse(payload.query, { maxTokens: deps.limits.maxTokens });
        } catch (error) {
          return refusal((error as GraphQLError).message, 'GRAPHQL_PARSE_FAILED');
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        if (!getOperationAST(document, payload.operationName)) return refusal('no operation found (check operationName)', 'BAD_USER_INPUT');
        const contextValue: OperationContext = { ...(actor ? { actor } : {}), source: payload.query };
        const args: ExecutionArgs = { schema, document, variableValues: variables, contextValue, ...(payload.operationName ? { operationName: payload.operationName } : {}) };
        return args;
      },
      subscribe(args) {
        const context = args.contextValue as OperationContext;
        return deps.subscriptions.subscribe({
          document: args.document,
          source: context.source,
          operationName: args.operationName ?? undefined,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
          context: context.actor ? { actor: context.actor } : {},
        });
      },
      execute(args) {
        const context = args.contextValue as OperationContext;
        return deps.executeOperation(
          { query: context.source, variables: (args.variableValues ?? {}) as Record<string, unknown>, ...(args.operationName ? { operationName: args.operationName } : {}) },
          context.actor ? { actor: context.actor } : {},
        );
      },
    },
    wsServer,
    deps.keepAliveMs,
  );

  return {
    async close(code, message) {
      deps.subscriptions.endAll(code, message);
      // Let the final error and completion messages reach the clients before the sockets close.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await server.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
