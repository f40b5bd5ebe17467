import { calculateObjectSize } from 'bson';
import { MongoServerError } from '../errors.ts';
import type { Doc } from '../bson-values.ts';
import { Collection, makeRecord } from './collection.ts';
import type { DocRecord } from './collection.ts';

/**
 * One journal operation, an after-image so that replaying it twice is harmless
 * (a crash between snapshot rename and journal truncation replays onto the new snapshot).
 */
export type JournalOp =
  | { o: 'put'; db: string; c: string; doc: Doc }
  | { o: 'del'; db: string; c: string; id: string }
  | { o: 'cc'; db: string; c: string; opts: Doc }
  | { o: 'dc'; db: string; c: string }
  | { o: 'dd'; db: string }
  | { o: 'ci'; db: string; c: string; spec: Doc }
  | { o: 'di'; db: string; c: string; name: string };

/** maxBsonObjectSize advertised in hello: a stored document must stay below it. */
const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

/** All databases and collections. Every change made through it is recorded as a JournalOp. */
export class Catalog {
  private readonly dbs = new Map<string, Map<string, Collection>>();
  private pending: JournalOp[] = [];

  /** Operations recorded since the last call (the caller journals them). */
  takePending(): JournalOp[] {
    const ops = this.pending;
    this.pending = [];
    return ops;
  }

  databases(): string[] {
    return [...this.dbs.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** Returns the collection, creating it implicitly (as writes and createIndexes do). */
  ensure(db: string, name: string): { coll: Collection; created: boolean } {
    const existing = this.get(db, name);
    if (existing) return { coll: existing, created: false };
    return { coll: this.create(db, name, {}), created: true };
  }

  create(db: string, name: string, opts: Doc): Collection {
    validateName(db, name);
    if (this.get(db, name)) throw MongoServerError.of('NamespaceExists', `Collection ${db}.${name} already exists.`);
    const coll = new Collection(db, name, opts);
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    colls.set(name, coll);
    this.pending.push({ o: 'cc', db, c: name, opts });
    return coll;
  }

  drop(db: string, name: string): boolean {
    const colls = this.dbs.get(db);
    if (!colls?.delete(name)) return false;
    if (colls.size === 0) this.dbs.delete(db);
    this.pending.push({ o: 'dc', db, c: name });
    return true;
  }

  dropDatabase(db: string): void {
    if (!this.dbs.delete(db)) return;
    this.pending.push({ o: 'dd', db });
  }

  /** Inserts a new document; an existing _id is a duplicate key. */
  insert(coll: Collection, record: DocRecord): void {
    this.write(coll, record, true);
  }

  /** Replaces the stored document that has the same _id. */
  replace(coll: Collection, record: DocRecord): void {
    this.write(coll, record, false);
  }

  private write(coll: Collection, record: DocRecord, inserting: boolean): void {
    const size = calculateObjectSize(record.typed);
    if (size > MAX_BSON_OBJECT_SIZE) {
      throw MongoServerError.of('BSONObjectTooLarge', `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`);
    }
    coll.checkUnique(record, inserting);
    coll.put(record);
    this.pending.push({ o: 'put', db: coll.db, c: coll.name, doc: record.typed });
  }

  remove(coll: Collection, id: string): void {
    if (coll.delete(id)) this.pending.push({ o: 'del', db: coll.db, c: coll.name, id });
  }

  createIndex(coll: Collection, spec: Doc): void {
    coll.addIndex(spec);
    this.pending.push({ o: 'ci', db: coll.db, c: coll.name, spec });
  }

  dropIndex(coll: Collection, name: string): void {
    coll.dropIndex(name);
    this.pending.push({ o: 'di', db: coll.db, c: coll.name, name });
  }

  /** Replays one journal operation (no unique checks: the journal only holds accepted writes). */
  apply(op: JournalOp): void {
    switch (op.o) {
      case 'put':
        this.ensure(op.db, op.c).coll.put(makeRecord(op.doc));
        break;
      case 'del':
        this.get(op.db, op.c)?.delete(op.id);
        break;
      case 'cc':
        if (!this.get(op.db, op.c)) this.create(op.db, op.c, op.opts);
        break;
      case 'dc':
        this.drop(op.db, op.c);
        break;
      case 'dd':
        this.dropDatabase(op.db);
        break;
      case 'ci': {
        const coll = this.ensure(op.db, op.c).coll;
        if (!coll.findIndex(String(op.spec.name))) coll.addIndex(op.spec, false);
        break;
      }
      case 'di': {
        const coll = this.get(op.db, op.c);
        if (coll?.findIndex(op.name)) coll.dropIndex(op.name);
        break;
      }
      default: {
        const never: never = op;
        throw new Error(`unknown journal op ${JSON.stringify(never)}`);
      }
    }
    this.pending = [];
  }
}

function validateName(db: string, name: string): void {
  if (!db || /[/\\. "$\0]/.test(db)) throw MongoServerError.of('InvalidNamespace', `Invalid database name: '${db}'`);
  if (!name || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw MongoServerError.of('InvalidNamespace', `Invalid collection name: ${name}`);
  }
}
