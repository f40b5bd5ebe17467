import { simple } from '../resp/writer.ts';
import { notAllowedInSubscribeContext, unknownCommand, wrongArity } from './errors.ts';
import { keyOf, type ClientState, type CommandSpec, type ServerState } from './types.ts';

const QUEUED = simple('QUEUED');
/** Commands that act at once inside MULTI instead of being queued, as in redis-server. */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/**
 * Runs one request with redis-server's checks, in its order: unknown command, then arity, then
 * the RESP2 subscribe-mode restriction. A refused command inside MULTI dooms the transaction
 * (EXEC answers EXECABORT); an accepted one is queued. Returns the encoded reply.
 */
export function dispatch(
  table: ReadonlyMap<string, CommandSpec>,
  server: ServerState,
  client: ClientState,
  args: Buffer[],
): Buffer {
  const name = keyOf(args[0]);
  const spec = table.get(name.toLowerCase());
  const refusal = spec === undefined ? unknownCommand(name, args.slice(1).map(keyOf)) : check(spec, client, args);
  if (refusal !== undefined) {
    if (client.transaction !== null) client.transaction.aborted = true;
    return refusal;
  }
  const command = spec as CommandSpec;
  if (client.transaction !== null && !NOT_QUEUED.has(command.name)) {
    client.transaction.queued.push(args);
    return QUEUED;
  }
  return execute(command, server, client, args);
}

function check(spec: CommandSpec, client: ClientState, args: Buffer[]): Buffer | undefined {
  const arityOk = spec.arity >= 0 ? args.length === spec.arity : args.length >= -spec.arity;
  if (!arityOk) return wrongArity(spec.name);
  if ((client.channels.size > 0 || client.patterns.size > 0) && !spec.allowedInSubscribeMode) {
    return notAllowedInSubscribeContext(spec.name);
  }
  return undefined;
}

/** Runs an already checked command against the client's current database. */
export function execute(spec: CommandSpec, server: ServerState, client: ClientState, args: Buffer[]): Buffer {
  const db = server.databases[client.db];
  if (db === undefined) throw new Error(`client ${client.id} selected missing database ${client.db}`);
  return spec.run({ client, server, db, args });
}
