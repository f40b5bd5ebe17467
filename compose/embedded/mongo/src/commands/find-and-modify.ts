import { Int32 } from 'bson';
import { optBool } from '../bson-values.ts';
import type { Doc } from '../bson-values.ts';
import { MongoServerError } from '../errors.ts';
import { findRecords, project } from '../query-engine.ts';
import { makeRecord } from '../store/collection.ts';
import { applyUpdate } from '../update-engine.ts';
import type { CommandHandler } from './context.ts';
import { targetCollection } from './context.ts';
import { upsertDocument } from './write.ts';

/**
 * findAndModify: one document, atomically (the command queue runs one command at a time).
 * Errors, including DuplicateKey, are top-level command errors here, not write errors.
 */
export const findAndModify: CommandHandler = (cmd, ctx) => {
  const name = targetCollection(cmd, Object.keys(cmd)[0]!);
  const query = (cmd.query ?? {}) as Doc;
  const remove = optBool(cmd.remove);
  const returnNew = optBool(cmd.new);
  const upsert = optBool(cmd.upsert);
  const fields = cmd.fields as Doc | undefined;
  const arrayFilters = Array.isArray(cmd.arrayFilters) ? (cmd.arrayFilters as Doc[]) : undefined;
  if (remove && (cmd.update !== undefined || returnNew || upsert)) {
    throw MongoServerError.of('FailedToParse', 'Cannot specify both an update and remove=true');
  }
  if (!remove && cmd.update === undefined) throw MongoServerError.of('FailedToParse', 'Either an update or remove=true must be specified');

  const coll = ctx.catalog.get(ctx.db, name);
  const [found] = findRecords(coll, { filter: query, sort: cmd.sort as Doc | undefined, limit: 1 });
  if (remove) {
    if (!found) return { lastErrorObject: { n: new Int32(0) }, value: null, ok: 1 };
    ctx.catalog.remove(coll!, found.id);
    return { lastErrorObject: { n: new Int32(1) }, value: project(found, fields), ok: 1 };
  }
  if (found) {
    const result = applyUpdate(found.typed, cmd.update, arrayFilters, false, query);
    const after = result.modified ? makeRecord(result.typed) : found;
    if (result.modified) ctx.catalog.replace(coll!, after);
    return {
      lastErrorObject: { n: new Int32(1), updatedExisting: true },
      value: project(returnNew ? after : found, fields),
      ok: 1,
    };
  }
  if (!upsert) return { lastErrorObject: { n: new Int32(0), updatedExisting: false }, value: null, ok: 1 };
  const target = ctx.catalog.ensure(ctx.db, name).coll;
  const doc = upsertDocument(ctx, target, query, cmd.update, arrayFilters);
  return {
    lastErrorObject: { n: new Int32(1), updatedExisting: false, upserted: doc._id },
    value: returnNew ? project(makeRecord(doc), fields) : null,
    ok: 1,
  };
};
