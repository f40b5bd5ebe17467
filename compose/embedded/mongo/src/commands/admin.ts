import { Int32, Long } from 'bson';
import { Query } from 'mingo';
import { canonicalKey, isPlainObject, optBool, toPlain } from '../bson-values.ts';
import type { Doc } from '../bson-values.ts';
import { MongoServerError } from '../errors.ts';
import { idIndexSpec } from '../store/collection.ts';
import type { Collection } from '../store/collection.ts';
import { MINGO_OPTIONS } from '../store/index-state.ts';
import { cursorReply } from './read.ts';
import type { CommandContext, CommandHandler } from './context.ts';
import { targetCollection } from './context.ts';

function nsNotFound(ctx: CommandContext, name: string, message = 'ns not found'): MongoServerError {
  return MongoServerError.of('NamespaceNotFound', message === 'ns not found' ? message : `${message}: ${ctx.db}.${name}`);
}

function existing(ctx: CommandContext, cmd: Doc, field: string, message?: string): Collection {
  const name = targetCollection(cmd, field);
  const coll = ctx.catalog.get(ctx.db, name);
  if (!coll) throw nsNotFound(ctx, name, message);
  return coll;
}

/** Options that make two index specs different (everything but v, name and build hints). */
function indexOptionsKey(spec: Doc): string {
  const rest: Doc = {};
  for (const [k, v] of Object.entries(spec)) if (!['v', 'name', 'key', 'background', 'ns'].includes(k)) rest[k] = v;
  return canonicalKey(toPlain(rest));
}

const createIndexes: CommandHandler = (cmd, ctx) => {
  const specs = cmd.indexes;
  if (!Array.isArray(specs) || specs.length === 0) throw MongoServerError.of('BadValue', 'Must specify at least one index to create');
  const { coll, created } = ctx.catalog.ensure(ctx.db, targetCollection(cmd, 'createIndexes'));
  const before = coll.indexes.length;
  for (const raw of specs as Doc[]) {
    if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
      throw MongoServerError.of('BadValue', "Index spec must have a non-empty 'key' document");
    }
    if (typeof raw.name !== 'string' || raw.name === '') throw MongoServerError.of('BadValue', "Index spec must have a 'name'");
    // Stored as {v, key, name, ...options} in the order given, which listIndexes returns verbatim.
    const spec: Doc = { v: new Int32(2), key: raw.key, name: raw.name };
    for (const [k, v] of Object.entries(raw)) if (!['v', 'key', 'name', 'ns', 'background'].includes(k)) spec[k] = v;
    const keyString = canonicalKey(toPlain(raw.key));
    const sameName = coll.findIndex(raw.name);
    const sameKey = coll.indexes.find((i) => canonicalKey(toPlain(i.spec.key)) === keyString && indexOptionsKey(i.spec) === indexOptionsKey(spec));
    if (sameName) {
      if (canonicalKey(toPlain(sameName.spec.key)) !== keyString) {
        throw MongoServerError.of('IndexKeySpecsConflict', `An existing index has the same name as the requested index. Requested index: ${raw.name}`);
      }
      if (indexOptionsKey(sameName.spec) !== indexOptionsKey(spec)) {
        throw MongoServerError.of('IndexOptionsConflict', `An equivalent index already exists with the same name but different options. Requested index: ${raw.name}`);
      }
      continue;
    }
    if (sameKey) {
      throw MongoServerError.of('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
    }
    ctx.catalog.createIndex(coll, spec);
  }
  const after = coll.indexes.length;
  return {
    numIndexesBefore: new Int32(before),
    numIndexesAfter: new Int32(after),
    ...(after === before ? { note: 'all indexes already exist' } : {}),
    createdCollectionAutomatically: created,
    ok: 1,
  };
};

const dropIndexes: CommandHandler = (cmd, ctx) => {
  const coll = existing(ctx, cmd, Object.keys(cmd)[0]!);
  const was = coll.indexes.length;
  const which = cmd.index;
  let names: string[];
  if (which === '*') names = coll.indexes.filter((i) => i.name !== '_id_').map((i) => i.name);
  else if (typeof which === 'string') names = [which];
  else if (Array.isArray(which)) names = which.map(String);
  else if (isPlainObject(which)) {
    const key = canonicalKey(toPlain(which));
    const found = coll.indexes.find((i) => canonicalKey(toPlain(i.spec.key)) === key);
    if (!found) throw MongoServerError.of('IndexNotFound', `can't find index with key: ${JSON.stringify(toPlain(which))}`);
    names = [found.name];
  } else throw MongoServerError.of('BadValue', "'index' must be a string, an array of strings or a key pattern");
  for (const name of names) if (!coll.findIndex(name)) throw MongoServerError.of('IndexNotFound', `index not found with name [${name}]`);
  for (const name of names) ctx.catalog.dropIndex(coll, name);
  return { nIndexesWas: new Int32(was), ok: 1 };
};

const listIndexes: CommandHandler = (cmd, ctx) => {
  const coll = existing(ctx, cmd, 'listIndexes', 'ns does not exist');
  const docs = coll.indexes.map((i) => i.spec);
  return cursorReply(ctx.cursors.open(coll.ns, docs, 0, false, ctx.connectionId), true);
};

const create: CommandHandler = (cmd, ctx) => {
  const name = targetCollection(cmd, 'create');
  const opts: Doc = {};
  for (const [k, v] of Object.entries(cmd)) {
    if (k !== 'create' && !k.startsWith('$') && !['lsid', 'writeConcern', 'comment', 'txnNumber'].includes(k)) opts[k] = v;
  }
  ctx.catalog.create(ctx.db, name, opts);
  return { ok: 1 };
};

const drop: CommandHandler = (cmd, ctx) => {
  const coll = existing(ctx, cmd, 'drop');
  const nIndexesWas = coll.indexes.length;
  ctx.catalog.drop(ctx.db, coll.name);
  return { nIndexesWas: new Int32(nIndexesWas), ns: coll.ns, ok: 1 };
};

const dropDatabase: CommandHandler = (_cmd, ctx) => {
  ctx.catalog.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
};

const listCollections: CommandHandler = (cmd, ctx) => {
  const nameOnly = optBool(cmd.nameOnly);
  let docs: Doc[] = ctx.catalog.collections(ctx.db).map((c) =>
    nameOnly
      ? { name: c.name, type: 'collection' }
      : { name: c.name, type: 'collection', options: c.options, info: { readOnly: false }, idIndex: idIndexSpec() },
  );
  if (isPlainObject(cmd.filter) && Object.keys(cmd.filter).length > 0) {
    const q = new Query(toPlain(cmd.filter) as Doc, MINGO_OPTIONS);
    docs = docs.filter((d) => q.test(toPlain(d) as Doc));
  }
  const batchSize = isPlainObject(cmd.cursor) ? Number(toPlain(cmd.cursor.batchSize) ?? 0) : 0;
  return cursorReply(ctx.cursors.open(`${ctx.db}.$cmd.listCollections`, docs, batchSize, false, ctx.connectionId), true);
};

const listDatabases: CommandHandler = (cmd, ctx) => {
  let dbs: Doc[] = ctx.catalog.databases().map((name) => {
    const count = ctx.catalog.collections(name).reduce((sum, c) => sum + c.size, 0);
    return { name, sizeOnDisk: Long.fromNumber(4096 + count * 256), empty: false };
  });
  if (isPlainObject(cmd.filter) && Object.keys(cmd.filter).length > 0) {
    const q = new Query(toPlain(cmd.filter) as Doc, MINGO_OPTIONS);
    dbs = dbs.filter((d) => q.test(toPlain(d) as Doc));
  }
  if (optBool(cmd.nameOnly)) return { databases: dbs.map((d) => ({ name: d.name })), ok: 1 };
  const total = dbs.reduce((s, d) => s + (d.sizeOnDisk as Long).toNumber(), 0);
  return { databases: dbs, totalSize: Long.fromNumber(total), totalSizeMb: Long.fromNumber(Math.round(total / 1048576)), ok: 1 };
};

export const adminCommands: Record<string, CommandHandler> = {
  createIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  listIndexes,
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
};
