import { Int32 } from 'bson';
import { isPlainObject, optBool, optNumber } from '../bson-values.ts';
import type { Doc } from '../bson-values.ts';
import { MongoServerError, toServerError } from '../errors.ts';
import { findRecords } from '../query-engine.ts';
import { makeRecord } from '../store/collection.ts';
import type { Collection } from '../store/collection.ts';
import { applyUpdate, isOperatorUpdate, upsertSeed, withIdFirst } from '../update-engine.ts';
import type { CommandContext, CommandHandler } from './context.ts';
import { targetCollection } from './context.ts';

function writeError(index: number, err: unknown): Doc {
  const e = toServerError(err);
  return { index: new Int32(index), code: new Int32(e.code), codeName: e.codeName, errmsg: e.message, ...e.extra };
}

function statements(cmd: Doc, field: string): Doc[] {
  const list = cmd[field];
  if (!Array.isArray(list)) throw MongoServerError.of('FailedToParse', `BSON field '${field}' is missing but a required field`);
  return list as Doc[];
}

const insert: CommandHandler = (cmd, ctx) => {
  const docs = statements(cmd, 'documents');
  const ordered = optBool(cmd.ordered, true);
  const coll = ctx.catalog.ensure(ctx.db, targetCollection(cmd, 'insert')).coll;
  const writeErrors: Doc[] = [];
  let n = 0;
  docs.forEach((doc, index) => {
    if (ordered && writeErrors.length > 0) return;
    try {
      if (!isPlainObject(doc)) throw MongoServerError.of('TypeMismatch', 'document must be an object');
      ctx.catalog.insert(coll, makeRecord(withIdFirst(doc)));
      n++;
    } catch (err) {
      writeErrors.push(writeError(index, err));
    }
  });
  return { n: new Int32(n), ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
};

/** Creates the document an upsert inserts (query equalities, the update, `_id` first). */
export function upsertDocument(ctx: CommandContext, coll: Collection, query: Doc, update: unknown, arrayFilters: Doc[] | undefined): Doc {
  const seed = upsertSeed(query);
  const { typed } = applyUpdate(seed, update, arrayFilters, true);
  const doc = withIdFirst(typed);
  ctx.catalog.insert(coll, makeRecord(doc));
  return doc;
}

const update: CommandHandler = (cmd, ctx) => {
  const stmts = statements(cmd, 'updates');
  const ordered = optBool(cmd.ordered, true);
  const name = targetCollection(cmd, 'update');
  const writeErrors: Doc[] = [];
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  stmts.forEach((stmt, index) => {
    if (ordered && writeErrors.length > 0) return;
    try {
      const multi = optBool(stmt.multi);
      const u = stmt.u;
      if (multi && !Array.isArray(u) && !isOperatorUpdate(u)) {
        throw MongoServerError.of('FailedToParse', 'multi update is not supported for replacement-style update');
      }
      const arrayFilters = Array.isArray(stmt.arrayFilters) ? (stmt.arrayFilters as Doc[]) : undefined;
      const query = (stmt.q ?? {}) as Doc;
      const coll = ctx.catalog.get(ctx.db, name);
      const matched = findRecords(coll, { filter: query, limit: multi ? 0 : 1 });
      for (const record of matched) {
        const result = applyUpdate(record.typed, u, arrayFilters, false, query);
        n++;
        if (!result.modified) continue;
        ctx.catalog.replace(coll!, makeRecord(result.typed));
        nModified++;
      }
      if (matched.length === 0 && optBool(stmt.upsert)) {
        const target = ctx.catalog.ensure(ctx.db, name).coll;
        const doc = upsertDocument(ctx, target, query, u, arrayFilters);
        upserted.push({ index: new Int32(index), _id: doc._id });
        n++;
      }
    } catch (err) {
      writeErrors.push(writeError(index, err));
    }
  });
  return {
    n: new Int32(n),
    nModified: new Int32(nModified),
    ...(upserted.length ? { upserted } : {}),
    ...(writeErrors.length ? { writeErrors } : {}),
    ok: 1,
  };
};

const deleteCommand: CommandHandler = (cmd, ctx) => {
  const stmts = statements(cmd, 'deletes');
  const ordered = optBool(cmd.ordered, true);
  const coll = ctx.catalog.get(ctx.db, targetCollection(cmd, 'delete'));
  const writeErrors: Doc[] = [];
  let n = 0;
  stmts.forEach((stmt, index) => {
    if (ordered && writeErrors.length > 0) return;
    try {
      const limit = optNumber(stmt.limit, 0);
      for (const record of findRecords(coll, { filter: (stmt.q ?? {}) as Doc, limit: limit === 1 ? 1 : 0 })) {
        ctx.catalog.remove(coll!, record.id);
        n++;
      }
    } catch (err) {
      writeErrors.push(writeError(index, err));
    }
  });
  return { n: new Int32(n), ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
};

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: deleteCommand,
};
