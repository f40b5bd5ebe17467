import { Int32, Long } from 'bson';
import { canonicalKey, isPlainObject, numericValue, optBool, optNumber, toPlain, valuesAtPath } from '../bson-values.ts';
import type { Doc } from '../bson-values.ts';
import { DEFAULT_FIRST_BATCH } from '../cursors.ts';
import type { CursorReply } from '../cursors.ts';
import { MongoServerError } from '../errors.ts';
import { findRecords, project, runAggregate } from '../query-engine.ts';
import type { CommandHandler } from './context.ts';
import { targetCollection } from './context.ts';

export function cursorReply(reply: CursorReply, first: boolean): Doc {
  return {
    cursor: { [first ? 'firstBatch' : 'nextBatch']: reply.batch, id: reply.id, ns: reply.ns },
    ok: 1,
  };
}

const find: CommandHandler = (cmd, ctx) => {
  const name = targetCollection(cmd, 'find');
  const coll = ctx.catalog.get(ctx.db, name);
  const limitRaw = optNumber(cmd.limit, 0);
  const records = findRecords(coll, {
    filter: cmd.filter as Doc | undefined,
    sort: cmd.sort as Doc | undefined,
    skip: optNumber(cmd.skip, 0),
    limit: limitRaw,
  });
  const projection = cmd.projection as Doc | undefined;
  const docs = records.map((r) => project(r, projection));
  const batchSize = optNumber(cmd.batchSize, 0);
  // A negative limit is the legacy spelling of singleBatch.
  const single = optBool(cmd.singleBatch) || limitRaw < 0;
  const first = batchSize > 0 ? batchSize : DEFAULT_FIRST_BATCH;
  return cursorReply(ctx.cursors.open(`${ctx.db}.${name}`, docs, first, single, ctx.connectionId), true);
};

const getMore: CommandHandler = (cmd, ctx) => {
  const id = cmd.getMore;
  if (!(id instanceof Long)) throw MongoServerError.of('TypeMismatch', `Field 'getMore' must be of type long in: ${JSON.stringify(id)}`);
  const collection = targetCollection(cmd, 'collection');
  const reply = ctx.cursors.getMore(id, `${ctx.db}.${collection}`, optNumber(cmd.batchSize, 0));
  return cursorReply(reply, false);
};

const killCursors: CommandHandler = (cmd, ctx) => {
  const ids = Array.isArray(cmd.cursors) ? cmd.cursors : [];
  const longs = ids.map((v) => (v instanceof Long ? v : Long.fromNumber(numericValue(v) ?? 0)));
  const { killed, notFound } = ctx.cursors.kill(longs);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

const count: CommandHandler = (cmd, ctx) => {
  const coll = ctx.catalog.get(ctx.db, targetCollection(cmd, 'count'));
  const n = findRecords(coll, {
    filter: cmd.query as Doc | undefined,
    skip: optNumber(cmd.skip, 0),
    limit: optNumber(cmd.limit, 0),
  }).length;
  return { n: new Int32(n), ok: 1 };
};

const distinct: CommandHandler = (cmd, ctx) => {
  const coll = ctx.catalog.get(ctx.db, targetCollection(cmd, 'distinct'));
  const key = cmd.key;
  if (typeof key !== 'string') throw MongoServerError.of('TypeMismatch', "'key' must be a string");
  const seen = new Map<string, unknown>();
  for (const record of findRecords(coll, { filter: cmd.query as Doc | undefined })) {
    const typedValues = valuesAtPath(record.typed, key);
    valuesAtPath(record.plain, key).forEach((v, i) => {
      if (v === undefined) return;
      const k = canonicalKey(v);
      if (!seen.has(k)) seen.set(k, typedValues[i]);
    });
  }
  return { values: [...seen.values()], ok: 1 };
};

const aggregateCommand: CommandHandler = (cmd, ctx) => {
  const target = cmd.aggregate;
  const pipeline = cmd.pipeline;
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) {
    throw MongoServerError.of('TypeMismatch', "'pipeline' option must be specified as an array");
  }
  if (!isPlainObject(cmd.cursor) && !optBool(cmd.explain)) {
    throw MongoServerError.of('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  // {aggregate: 1} runs against the database (only collection-less stages); we have none.
  const name = typeof target === 'string' ? target : '';
  const coll = name ? ctx.catalog.get(ctx.db, name) : undefined;
  const resolve = (other: string): Doc[] => {
    const c = ctx.catalog.get(ctx.db, other);
    return c ? [...c.all()].map((r) => toPlain(r.typed) as Doc) : [];
  };
  const docs = runAggregate(coll ? coll.all() : [], pipeline as Doc[], resolve);
  const cursorOpts = (cmd.cursor ?? {}) as Doc;
  const batchSize = optNumber(cursorOpts.batchSize, 0);
  const first = batchSize > 0 ? batchSize : DEFAULT_FIRST_BATCH;
  return cursorReply(ctx.cursors.open(`${ctx.db}.${name || '$cmd.aggregate'}`, docs, first, false, ctx.connectionId), true);
};

export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate: aggregateCommand,
};
