import type { Keyspace, Clock, Watcher } from '../store/keyspace.ts';
import type { PubSubHub, Subscriber } from '../pubsub/hub.ts';

/** Per-connection state that commands read and change. */
export interface ClientState {
  readonly id: number;
  readonly subscriber: Subscriber;
  name: string | null;
  db: number;
  /** Insertion-ordered, so UNSUBSCRIBE without arguments answers in subscription order. */
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  /** Set by QUIT: reply, flush, then close; later pipelined commands are not run. */
  closeAfterReply: boolean;
  /** Open MULTI block: commands queued for EXEC, and whether one was refused (EXECABORT). */
  transaction: { queued: Buffer[][]; aborted: boolean } | null;
  /** WATCHed keys; `dirty` turns true when one of them changes, making EXEC answer nil. */
  readonly watch: Watcher & { keys: WatchedKey[] };
}

export interface WatchedKey {
  db: Keyspace;
  key: string;
  /** Whether the key was live at WATCH time; if it has expired by EXEC, EXEC fails too. */
  existed: boolean;
}

/** What the whole server shares; created once per `startRedis` call. */
export interface ServerState {
  readonly databases: Keyspace[];
  readonly hub: PubSubHub;
  readonly now: Clock;
  readonly startedAt: number;
  readonly port: () => number;
  readonly connectedClients: () => number;
}

export interface CommandContext {
  readonly client: ClientState;
  readonly server: ServerState;
  /** The database selected by this client. */
  readonly db: Keyspace;
  /** Full request: args[0] is the command name as sent. */
  readonly args: Buffer[];
}

export interface CommandSpec {
  /** Lower-case name, as redis-server prints it in errors. */
  readonly name: string;
  /** Redis convention: N means exactly N args (name included), -N means at least N. */
  readonly arity: number;
  /** Allowed while the RESP2 connection has subscriptions. */
  readonly allowedInSubscribeMode?: boolean;
  /** Declared key positions, reported by COMMAND: first, last (-1 = all the rest), step. */
  readonly keys?: readonly [number, number, number];
  readonly run: (context: CommandContext) => Buffer;
}

/** Decodes a key, field or channel losslessly (one char per byte). */
export function keyOf(arg: Buffer | undefined): string {
  return (arg ?? Buffer.alloc(0)).toString('latin1');
}
