import { Query, aggregate, find } from 'mingo';
import { isPlainObject, numericValue, retype, toPlain } from './bson-values.ts';
import type { Doc } from './bson-values.ts';
import { MongoServerError } from './errors.ts';
import type { Collection, DocRecord } from './store/collection.ts';
import { MINGO_OPTIONS } from './store/index-state.ts';

export interface FindSpec {
  filter?: Doc;
  sort?: Doc;
  skip?: number;
  /** 0 = no limit. */
  limit?: number;
}

export function compileFilter(filter: Doc | undefined): { plain: Doc; query: Query } {
  if (filter !== undefined && !isPlainObject(filter)) throw MongoServerError.of('TypeMismatch', 'filter must be an object');
  const plain = (toPlain(filter ?? {}) as Doc) ?? {};
  try {
    return { plain, query: new Query(plain, MINGO_OPTIONS) };
  } catch (err) {
    throw MongoServerError.of('BadValue', (err as Error).message);
  }
}

/** Matching records in sort order, after skip and limit. */
export function findRecords(coll: Collection | undefined, spec: FindSpec): DocRecord[] {
  if (!coll) return [];
  const { plain, query } = compileFilter(spec.filter);
  const matched: DocRecord[] = [];
  for (const record of coll.candidates(plain)) if (query.test(record.plain)) matched.push(record);
  const sort = isPlainObject(spec.sort) ? (toPlain(spec.sort) as Doc) : {};
  const natural = numericValue(sort.$natural);
  delete sort.$natural;
  if (natural !== undefined && natural < 0) matched.reverse();
  let ordered = matched;
  if (Object.keys(sort).length > 0) {
    // mingo sorts with MongoDB's comparison order; map its (identical) objects back to records.
    const byPlain = new Map<object, DocRecord>(matched.map((r) => [r.plain, r]));
    ordered = find(matched.map((r) => r.plain), {}, undefined, MINGO_OPTIONS)
      .sort(sort as Record<string, 1 | -1>)
      .all()
      .map((p) => byPlain.get(p as object)!);
  }
  const skip = Math.max(0, spec.skip ?? 0);
  const limit = Math.abs(spec.limit ?? 0);
  return ordered.slice(skip, limit > 0 ? skip + limit : undefined);
}

/** Applies a projection, keeping number types and the document's key order. */
export function project(record: DocRecord, projection: Doc | undefined): Doc {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) return record.typed;
  const [out] = find([record.plain], {}, toPlain(projection) as Doc, MINGO_OPTIONS).all();
  return retype(out, record.typed) as Doc;
}

/**
 * Runs an aggregation pipeline. Documents that pass through unchanged ($match, $sort, $limit...)
 * come back in their typed form; computed ones carry plain numbers.
 */
export function runAggregate(
  records: Iterable<DocRecord>,
  pipeline: Doc[],
  resolveCollection: (name: string) => Doc[],
): Doc[] {
  const list = [...records];
  const byPlain = new Map<object, Doc>(list.map((r) => [r.plain, r.typed]));
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0];
    if (name === '$changeStream') {
      throw MongoServerError.of('Location40573', 'The $changeStream stage is only supported on replica sets');
    }
    if (name === '$out' || name === '$merge') throw MongoServerError.of('NotImplemented', `${name} is not supported by this server`);
  }
  const out = aggregate(list.map((r) => r.plain), pipeline.map((s) => toPlain(s) as Doc), {
    ...MINGO_OPTIONS,
    collectionResolver: resolveCollection,
  });
  return out.map((d) => byPlain.get(d as object) ?? (d as Doc));
}
