import type { Doc } from '../bson-values.ts';
import { MongoServerError, errorReply, toServerError } from '../errors.ts';
import { adminCommands } from './admin.ts';
import type { CommandContext, CommandHandler } from './context.ts';
import { findAndModify } from './find-and-modify.ts';
import { handshakeCommands } from './handshake.ts';
import { readCommands } from './read.ts';
import { renameCollection } from './rename-collection.ts';
import { writeCommands } from './write.ts';

const handlers: Record<string, CommandHandler> = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...adminCommands,
  findAndModify,
  findandmodify: findAndModify,
  renameCollection,
};

/** Commands that only read or answer about the server (no journal entry, no write lock needed). */
export const HANDSHAKE_COMMANDS = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'buildInfo', 'buildinfo']);

export function commandName(body: Doc): string {
  return Object.keys(body)[0] ?? '';
}

/** Runs one command and always returns a reply document (errors become {ok:0, code, ...}). */
export function executeCommand(body: Doc, ctx: CommandContext): Doc {
  const name = commandName(body);
  try {
    // Standalone servers refuse transactions with exactly this error; drivers rely on it.
    if (body.txnNumber !== undefined || body.startTransaction !== undefined || body.autocommit !== undefined) {
      throw MongoServerError.of('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
    }
    const handler = Object.prototype.hasOwnProperty.call(handlers, name) ? handlers[name] : undefined;
    if (!handler) throw MongoServerError.of('CommandNotFound', `no such command: '${name}'`);
    return handler(body, ctx);
  } catch (err) {
    const e = toServerError(err);
    if (!(err instanceof MongoServerError)) ctx.logger.debug({ err, command: name }, 'command failed');
    return errorReply(e);
  }
}
