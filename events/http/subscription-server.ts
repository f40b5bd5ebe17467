import type { Server } from 'node:http';
import type { ExecutionArgs, GraphQLError, GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import type { ExecutionResult, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Actor } from '@tributary/contracts';
import type { Logger } from '@tributary/telemetry';
import { CONNECTION_ASSERTION_BODY, SUBSCRIPTION_ASSERTION_KEY, subscriptionAssertionBody, UntrustedRequestError, type AssertionVerifier } from './gateway-assertion.ts';
import { graphql, requestError, unauthenticatedError } from './subscription-errors.ts';

export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export interface SubscriptionServerOptions<TContext extends object> {
  /** The service's HTTP server: subscriptions share its port (a WebSocket upgrade on `path`). */
  httpServer: Server;
  path?: string;
  /** The same schema the HTTP side serves. */
  schema: GraphQLSchema;
  /** Checks the gateway's assertions (connection_init and every subscribe). */
  verifier: AssertionVerifier;
  /** The resolver context of ONE subscription, from the caller the gateway vouched for. */
  context: (actor: Actor | null) => TContext | Promise<TContext>;
  /** Run on every subscribe besides graphql's own rules (the kit's depth and cost limits). */
  validationRules?: readonly ValidationRule[];
  /** The HTTP side's formatter, so that error codes are mapped in one place. */
  formatError?: ErrorFormatter;
  logger: Logger;
  /** How long close() waits for clients to answer the close handshake before dropping them. */
  closeGraceMs?: number;
  /** Largest accepted WebSocket message, like the HTTP side's body limit. */
  maxPayloadBytes?: number;
}

export interface SubscriptionServer {
  /** Ends every subscription (clients see 1001 Going away) and stops accepting sockets; idempotent. */
  close(): Promise<void>;
}

/** Close code for a connection_init without a valid gateway assertion (graphql-ws: Unauthorized, not retried). */
export const CLOSE_UNAUTHORIZED = 4401;
/** A WebSocket close reason holds at most 123 bytes. */
const MAX_CLOSE_REASON = 120;

/**
 * graphql-ws on the service's own /graphql, under the gateway trust protocol (see the end of
 * gateway-assertion.ts): the socket is accepted only with a connection assertion, and each
 * subscription runs as the caller its own assertion names: one socket from the gateway carries
 * many callers, so the actor is per subscription, never per connection. Only subscriptions are
 * served here; queries and mutations are refused (BAD_REQUEST) because they have HTTP, where
 * their assertion covers the exact body bytes.
 */
export function attachSubscriptionServer<TContext extends object>(options: SubscriptionServerOptions<TContext>): SubscriptionServer {
  const { schema, verifier, logger } = options;
  const rules = [...graphql.specifiedRules, ...(options.validationRules ?? [])];
  const formatError: ErrorFormatter = options.formatError ?? ((formatted) => formatted);
  const format = (error: GraphQLError, formatted: GraphQLFormattedError = error.toJSON()) => formatError(formatted, error);

  const wss = new WebSocketServer({ server: options.httpServer, path: options.path ?? '/graphql', maxPayload: options.maxPayloadBytes ?? 1024 * 1024 });
  // ws re-emits the HTTP server's errors here; graphql-ws listens only once, and a second
  // 'error' without a listener would crash the process.
  wss.on('error', (err) => logger.error({ err }, 'subscription server error'));

  /** The reason to give the caller for an assertion that failed; anything else is not a refusal. */
  function refuseUntrusted(error: unknown, what: string, remote: string | undefined): string {
    if (!(error instanceof UntrustedRequestError)) throw error;
    logger.warn({ reason: error.message, remote }, `refused a subscription ${what} the gateway did not sign`);
    return error.message;
  }

  /** The subscribe payload as ExecutionArgs, or the errors that refuse it (nothing runs then). */
  async function prepare(payload: SubscribePayload, remote: string | undefined): Promise<ExecutionArgs | GraphQLError[]> {
    const token = payload.extensions?.[SUBSCRIPTION_ASSERTION_KEY];
    let actor: Actor | null;
    try {
      actor = await verifier.verify(typeof token === 'string' ? token : undefined, subscriptionAssertionBody(payload));
    } catch (error) {
      return [unauthenticatedError(refuseUntrusted(error, 'operation', remote))];
    }
    let document;
    try {
      document = graphql.parse(payload.query);
    } catch (error) {
      return [requestError(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
    }
    const invalid = graphql.validate(schema, document, rules);
    if (invalid.length > 0) return invalid.map((error) => requestError(error, 'GRAPHQL_VALIDATION_FAILED'));
    const operation = graphql.getOperationAST(document, payload.operationName ?? undefined);
    if (!operation) return [requestError(new graphql.GraphQLError('cannot tell which operation to run: name one with operationName'), 'BAD_REQUEST')];
    if (operation.operation !== 'subscription') {
      return [requestError(new graphql.GraphQLError(`only subscriptions are served over WebSocket; send a ${operation.operation} over HTTP`), 'BAD_REQUEST')];
    }
    return {
      schema,
      document,
      operationName: payload.operationName ?? null,
      variableValues: payload.variables ?? null,
      contextValue: await options.context(actor),
    };
  }

  const disposable = useServer(
    {
      schema,
      async onConnect(ctx) {
        const token = ctx.connectionParams?.[SUBSCRIPTION_ASSERTION_KEY];
        try {
          // The connection's actor (usually null) is not used: every subscribe names its own.
          await verifier.verify(typeof token === 'string' ? token : undefined, CONNECTION_ASSERTION_BODY);
          return true;
        } catch (error) {
          const reason = refuseUntrusted(error, 'connection', ctx.extra.request.socket.remoteAddress);
          // 4401 with the reason, rather than graphql-ws's bare 4403 (which its client retries);
          // the library's own close that follows is ignored by a socket already closing.
          ctx.extra.socket.close(CLOSE_UNAUTHORIZED, reason.slice(0, MAX_CLOSE_REASON));
          return false;
        }
      },
      // Parse, validate and trust are decided here so that a bad operation is an error message
      // for that subscription only: graphql-ws would close the whole socket (every caller on
      // it) on a parse error thrown from its own path.
      onSubscribe: (ctx, _id, payload) => prepare(payload, ctx.extra.request.socket.remoteAddress),
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => format(error)),
      onNext(_ctx, _id, _payload, _args, result: ExecutionResult) {
        if (!result.errors?.length) return undefined;
        const errors = result.errors.map((error) => {
          const formatted = error.toJSON();
          // Without a path it is a request error (variables that do not fit), as Apollo codes it.
          if (formatted.path === undefined && formatted.extensions?.code === undefined) {
            return format(error, { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } });
          }
          return format(error, formatted);
        });
        return { ...result, errors };
      },
    },
    wss,
  );

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        // A client that never answers the close handshake must not hold the service's stop.
        const timer = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
        }, options.closeGraceMs ?? 2_000);
        try {
          await disposable.dispose();
        } finally {
          clearTimeout(timer);
        }
      })();
      return closing;
    },
  };
}
