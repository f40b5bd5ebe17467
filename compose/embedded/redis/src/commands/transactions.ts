import { NULL_ARRAY, OK, array, error } from '../resp/writer.ts';
import { execute } from './dispatch.ts';
import { keyOf, type ClientState, type CommandContext, type CommandSpec } from './types.ts';

/** Forgets every WATCH of a client (after EXEC or DISCARD, on UNWATCH, RESET and disconnect). */
export function unwatchAll(client: ClientState): void {
  for (const { db, key } of client.watch.keys) db.unwatch(key, client.watch);
  client.watch.keys.length = 0;
  client.watch.dirty = false;
}

function watch({ client, db, args }: CommandContext): Buffer {
  if (client.transaction !== null) return error('ERR WATCH inside MULTI is not allowed');
  for (const arg of args.slice(1)) {
    const key = keyOf(arg);
    if (client.watch.keys.some((watched) => watched.db === db && watched.key === key)) continue;
    // `has` first: a key already expired is removed now, before we listen, so it does not count.
    const existed = db.has(key);
    db.watch(key, client.watch);
    client.watch.keys.push({ db, key, existed });
  }
  return OK;
}

/**
 * True when a watched key changed since WATCH, or was live then and has expired since (checking
 * it here triggers the lazy expiry, which marks the watch dirty), as redis-server decides.
 */
function watchBroken(client: ClientState): boolean {
  for (const { db, key, existed } of client.watch.keys) if (existed) db.has(key);
  return client.watch.dirty;
}

/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH. The server is single-threaded, so running the queue
 * in one go is atomic.
 */
export function transactionCommands(table: () => ReadonlyMap<string, CommandSpec>): CommandSpec[] {
  const multi = ({ client }: CommandContext): Buffer => {
    if (client.transaction !== null) return error('ERR MULTI calls can not be nested');
    client.transaction = { queued: [], aborted: false };
    return OK;
  };

  const exec = ({ client, server }: CommandContext): Buffer => {
    const transaction = client.transaction;
    if (transaction === null) return error('ERR EXEC without MULTI');
    client.transaction = null;
    const broken = watchBroken(client);
    unwatchAll(client);
    if (transaction.aborted) return error('EXECABORT Transaction discarded because of previous errors.');
    if (broken) return NULL_ARRAY;
    const specs = table();
    // Each command sees the effects of the previous ones, including a SELECT.
    return array(transaction.queued.map((args) => {
      const spec = specs.get(keyOf(args[0]).toLowerCase());
      if (spec === undefined) throw new Error(`queued command ${keyOf(args[0])} vanished from the table`);
      return execute(spec, server, client, args);
    }));
  };

  const discard = ({ client }: CommandContext): Buffer => {
    if (client.transaction === null) return error('ERR DISCARD without MULTI');
    client.transaction = null;
    unwatchAll(client);
    return OK;
  };

  return [
    { name: 'multi', arity: 1, run: multi },
    { name: 'exec', arity: 1, run: exec },
    { name: 'discard', arity: 1, run: discard },
    { name: 'watch', arity: -2, keys: [1, -1, 1], run: watch },
    {
      name: 'unwatch',
      arity: 1,
      run: ({ client }) => {
        unwatchAll(client);
        return OK;
      },
    },
  ];
}
