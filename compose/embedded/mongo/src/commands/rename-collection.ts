import { optBool } from '../bson-values.ts';
import type { Doc } from '../bson-values.ts';
import { MongoServerError } from '../errors.ts';
import type { CommandContext, CommandHandler } from './context.ts';

/** `db.coll` → its parts; the collection name may itself contain dots (`orders.before-rebuild-1`). */
function namespaceOf(value: unknown, field: string): { db: string; coll: string } {
  const dot = typeof value === 'string' ? value.indexOf('.') : -1;
  if (typeof value !== 'string' || dot <= 0 || dot === value.length - 1) {
    throw MongoServerError.of('InvalidNamespace', `Invalid ${field} namespace: ${String(value)}`);
  }
  return { db: value.slice(0, dot), coll: value.slice(dot + 1) };
}

/**
 * `{renameCollection: 'db.from', to: 'db.to', dropTarget?}` (run against admin, as drivers do).
 * Commands run one at a time on the server's queue, so other clients see either the old or the
 * new name, never neither: what lets an operator swap a rebuilt read model in under a live
 * projector with `dropTarget: true`. The catalog has no rename operation, so the move is
 * journaled as create + indexes + documents + drop (each replay-safe on its own): a crash in the
 * middle of writing that journal entry can leave a partial copy next to an intact source.
 */
export const renameCollection: CommandHandler = (cmd: Doc, ctx: CommandContext) => {
  const from = namespaceOf(cmd.renameCollection, 'source');
  const to = namespaceOf(cmd.to, 'target');
  const source = ctx.catalog.get(from.db, from.coll);
  if (!source) throw MongoServerError.of('NamespaceNotFound', `Source collection ${from.db}.${from.coll} does not exist`);
  if (from.db === to.db && from.coll === to.coll) throw MongoServerError.of('IllegalOperation', "Can't rename a collection to itself");
  if (ctx.catalog.get(to.db, to.coll)) {
    if (!optBool(cmd.dropTarget)) throw MongoServerError.of('NamespaceExists', 'target namespace exists');
    ctx.catalog.drop(to.db, to.coll);
  }
  const moved = ctx.catalog.create(to.db, to.coll, source.options);
  for (const index of source.indexes) if (index.name !== '_id_') ctx.catalog.createIndex(moved, { ...index.spec });
  // Stored records are never mutated in place (writes replace them), so both names may share them.
  for (const record of source.all()) ctx.catalog.insert(moved, record);
  ctx.catalog.drop(from.db, from.coll);
  return { ok: 1 };
};
