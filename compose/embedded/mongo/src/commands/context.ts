import type { Logger } from 'pino';
import type { Doc } from '../bson-values.ts';
import { MongoServerError } from '../errors.ts';
import type { CursorRegistry } from '../cursors.ts';
import type { Catalog } from '../store/catalog.ts';

/** What a command handler may use. Handlers run one at a time on the server's queue. */
export interface CommandContext {
  catalog: Catalog;
  cursors: CursorRegistry;
  logger: Logger;
  /** Database named by `$db` (or the OP_QUERY namespace). */
  db: string;
  connectionId: number;
}

export type CommandHandler = (cmd: Doc, ctx: CommandContext) => Doc;

/** The collection name a command targets (its first field's value), validated as a string. */
export function targetCollection(cmd: Doc, name: string): string {
  const value = cmd[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw MongoServerError.of('InvalidNamespace', `collection name has invalid type ${typeof value}`);
  }
  return value;
}
