import { Int32 } from 'bson';
import { MongoServerError } from '../errors.ts';
import { canonicalKey, isPlainObject, toPlainDoc } from '../bson-values.ts';
import type { Doc } from '../bson-values.ts';
import { IndexState } from './index-state.ts';

/** A stored document: the typed form (what is returned) and the plain form (what mingo reads). */
export interface DocRecord {
  readonly id: string;
  readonly typed: Doc;
  readonly plain: Doc;
}

export function makeRecord(typed: Doc): DocRecord {
  return { id: canonicalKey(typed._id), typed, plain: toPlainDoc(typed) };
}

/** A value an index lookup can answer an equality on (no arrays, regexes or operator documents). */
function isLookupValue(value: unknown): boolean {
  if (Array.isArray(value) || value instanceof RegExp) return false;
  return !(isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$')));
}

export function idIndexSpec(): Doc {
  return { v: new Int32(2), key: { _id: new Int32(1) }, name: '_id_' };
}

/**
 * In-memory collection: documents in insertion order and their indexes. Methods here never
 * journal; the catalog wraps them so that every change becomes one journal operation.
 */
export class Collection {
  readonly db: string;
  readonly name: string;
  readonly options: Doc;
  private readonly docs = new Map<string, DocRecord>();
  /** Insertion sequence of each stored id (a replacement keeps it, as `docs` keeps its place). */
  private readonly seq = new Map<string, number>();
  private nextSeq = 0;
  private readonly indexList: IndexState[] = [];

  constructor(db: string, name: string, options: Doc) {
    this.db = db;
    this.name = name;
    this.options = options;
    this.indexList.push(new IndexState(idIndexSpec()));
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.docs.size;
  }

  get indexes(): readonly IndexState[] {
    return this.indexList;
  }

  all(): IterableIterator<DocRecord> {
    return this.docs.values();
  }

  get(id: string): DocRecord | undefined {
    return this.docs.get(id);
  }

  /** Documents that may match `plainFilter`: an index lookup on a top-level equality, else all. */
  candidates(plainFilter: Doc): Iterable<DocRecord> {
    for (const [field, cond] of Object.entries(plainFilter)) {
      if (field.startsWith('$')) continue;
      const inList = isPlainObject(cond) && Object.keys(cond).length === 1 && Array.isArray(cond.$in) ? cond.$in : undefined;
      if (inList) {
        // {field: {$in: [...]}}: the union of one lookup per value, in collection order (as a scan).
        if (!inList.every(isLookupValue)) continue;
        for (const index of this.usableIndexes(field)) {
          const found = new Set<string>();
          let answered = true;
          for (const value of inList) {
            const ids = index.lookupEquality(value);
            if (!ids) {
              answered = false;
              break;
            }
            for (const id of ids) found.add(id);
          }
          if (!answered) continue;
          return [...found]
            .map((id) => this.docs.get(id))
            .filter((r): r is DocRecord => r !== undefined)
            .sort((a, b) => this.seq.get(a.id)! - this.seq.get(b.id)!);
        }
        continue;
      }
      const value = isPlainObject(cond) && Object.keys(cond).length === 1 && '$eq' in cond ? cond.$eq : cond;
      if (!isLookupValue(value)) continue;
      for (const index of this.usableIndexes(field)) {
        const ids = index.lookupEquality(value);
        if (!ids) continue;
        return [...ids].map((id) => this.docs.get(id)).filter((r): r is DocRecord => r !== undefined);
      }
    }
    return this.docs.values();
  }

  /** Indexes that start with `field`: a single-field one first (its set is the narrowest), else compound ones by prefix. */
  private usableIndexes(field: string): IndexState[] {
    return this.indexList.filter((index) => index.fields[0] === field).sort((a, b) => a.fields.length - b.fields.length);
  }

  /**
   * Throws DuplicateKey when `record` would collide with another document in a unique index.
   * For an insert an existing document with the same _id is a collision, not a replacement.
   */
  checkUnique(record: DocRecord, inserting: boolean): void {
    const selfId = inserting ? undefined : record.id;
    for (const index of this.indexList) index.checkUnique(this.ns, record.plain, record.typed, selfId);
  }

  /** Inserts or replaces by _id. Callers check uniqueness first (replay trusts the journal). */
  put(record: DocRecord): void {
    const old = this.docs.get(record.id);
    if (old) for (const index of this.indexList) index.remove(old.plain, old.id);
    else this.seq.set(record.id, this.nextSeq++);
    this.docs.set(record.id, record);
    for (const index of this.indexList) index.add(record.plain, record.id);
  }

  delete(id: string): boolean {
    const old = this.docs.get(id);
    if (!old) return false;
    for (const index of this.indexList) index.remove(old.plain, old.id);
    this.seq.delete(id);
    return this.docs.delete(id);
  }

  findIndex(name: string): IndexState | undefined {
    return this.indexList.find((i) => i.name === name);
  }

  /**
   * Builds an index over the existing documents; fails without change on a duplicate.
   * Replay passes checkUnique=false: replaying a journal over a newer snapshot (after a crash
   * during compaction) can pass through states that never existed together.
   */
  addIndex(spec: Doc, checkUnique = true): void {
    const index = new IndexState(spec);
    for (const record of this.docs.values()) {
      if (checkUnique) index.checkUnique(this.ns, record.plain, record.typed, record.id);
      index.add(record.plain, record.id);
    }
    this.indexList.push(index);
  }

  dropIndex(name: string): void {
    if (name === '_id_') throw MongoServerError.of('InvalidOptions', 'cannot drop _id index');
    const i = this.indexList.findIndex((x) => x.name === name);
    if (i < 0) throw MongoServerError.of('IndexNotFound', `index not found with name [${name}]`);
    this.indexList.splice(i, 1);
  }
}
