import { EventEmitter } from 'node:events';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { Registry } from 'prom-client';
import type { Actor } from '@tributary/contracts';
import { attachSubscriptionServer, createServiceServer, type AssertionVerifier } from '@tributary/http';
import type { Logger } from '@tributary/telemetry';
import { PushStream } from '@tributary/testing/push-stream';

export interface TickContext {
  actor?: Actor;
}

export interface Tick {
  id: string;
  n: number;
  room: string;
}

export interface TinySubscriptionSubgraph {
  url: string;
  sdl: string;
  /** Sends a tick to every subscriber of its room. */
  emit(tick: Tick): void;
  /** Subscriptions currently open on this subgraph, with the caller each was opened for. */
  active: Set<{ room: string; actor: Actor | undefined }>;
  stop(): Promise<void>;
}

const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
export const TICKS_SDL = `${FED}
type Query { lastRoom: String }
type Subscription {
  "Ticks of one room; room 'private' needs a caller."
  ticks(room: String!, includeCurrent: Boolean = false): Tick!
}
type Tick @key(fields: "id") { id: ID! n: Int! room: String! }`;

/**
 * A subgraph with a subscription, served the way every Tributary subgraph serves one: Apollo on
 * the kit's HTTP server and graphql-ws beside it, both trusting only the gateway's assertions.
 * Listening on a fixed port lets a test stop it and start it again where the gateway expects it.
 */
export async function startTickSubgraph(options: { verifier: AssertionVerifier; logger: Logger; port?: number; events?: EventEmitter }): Promise<TinySubscriptionSubgraph> {
  const events = options.events ?? new EventEmitter();
  events.setMaxListeners(0);
  const active: TinySubscriptionSubgraph['active'] = new Set();
  const schema = buildSubgraphSchema({
    typeDefs: parse(TICKS_SDL),
    resolvers: {
      Query: { lastRoom: () => null },
      Subscription: {
        ticks: {
          subscribe: (_parent: unknown, args: { room: string; includeCurrent: boolean }, context: TickContext) => {
            if (args.room === 'private' && !context.actor) throw new GraphQLError('sign in to follow this room', { extensions: { code: 'UNAUTHENTICATED' } });
            const entry = { room: args.room, actor: context.actor };
            active.add(entry);
            const stream = new PushStream<{ ticks: Tick }>(() => {
              active.delete(entry);
              events.off('tick', listener);
            });
            const listener = (tick: Tick) => tick.room === args.room && stream.push({ ticks: tick });
            events.on('tick', listener);
            if (args.includeCurrent) stream.push({ ticks: { id: `${args.room}-current`, n: 0, room: args.room } });
            return stream;
          },
        },
      },
      Tick: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, n: -1, room: '?' }) },
    } as never,
  });
  const apollo = new ApolloServer<TickContext>({ schema, logger: options.logger });
  await apollo.start();
  const server = createServiceServer<TickContext>({
    apollo,
    verifier: options.verifier,
    context: async (_req, actor) => (actor ? { actor } : {}),
    ready: async () => ({ status: 'ok', checks: {} }) as never,
    metrics: new Registry(),
    logger: options.logger,
  });
  const subscriptions = attachSubscriptionServer<TickContext>({
    httpServer: server.httpServer,
    schema,
    verifier: options.verifier,
    context: (actor) => (actor ? { actor } : {}),
    logger: options.logger,
  });
  const url = await server.listen(options.port ?? 0, '127.0.0.1');
  return {
    url,
    sdl: TICKS_SDL,
    emit: (tick) => events.emit('tick', tick),
    active,
    async stop() {
      await subscriptions.close();
      await apollo.stop();
      server.httpServer.closeAllConnections();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    },
  };
}
