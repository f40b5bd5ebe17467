import { aggregate, find } from 'mingo';
import type { Query } from 'mingo/query';
import { isPlainObject, numericValue, retype, toPlain } from './bson-values.ts';
import type { Doc } from './bson-values.ts';
import { MongoServerError } from './errors.ts';
import type { Collection, DocRecord } from './store/collection.ts';
import { MINGO_OPTIONS } from './store/index-state.ts';
import { compileQuery, sortPlain } from './mingo-lean.ts';

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
    return { plain, query: compileQuery(plain) };
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
  if (Object.keys(sort).length > 0 && matched.length > 1) {
    // mingo sorts with MongoDB's comparison order; map its (identical) objects back to records.
    const byPlain = new Map<object, DocRecord>(matched.map((r) => [r.plain, r]));
    ordered = sortPlain(matched.map((r) => r.plain), sort as Record<string, 1 | -1>).map((p) => byPlain.get(p)!);
  }
  const skip = Math.max(0, spec.skip ?? 0);
  const limit = Math.abs(spec.limit ?? 0);
  return ordered.slice(skip, limit > 0 ? skip + limit : undefined);
}

/** Applies a projection, keeping number types and the document's key order. */
export function project(record: DocRecord, projection: Doc | undefined): Doc {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) return record.typed;
  const simple = simpleProjection(projection);
  if (simple) return simple(record.typed);
  const [out] = find([record.plain], {}, toPlain(projection) as Doc, MINGO_OPTIONS).all();
  return retype(out, record.typed) as Doc;
}

/** Parsed simple projections, by the projection object a command carried (one per command). */
const simpleProjections = new WeakMap<Doc, ((typed: Doc) => Doc) | null>();

/**
 * A projection that only includes or only excludes top-level fields (`{a: 1, b: 1, _id: 0}`,
 * `{a: 0}`) is applied directly to the typed document: the same fields, in the document's key
 * order, with the stored values, which is what mingo's projection + retype produces. Anything
 * else (dotted paths, operators, expressions, mixed modes) returns undefined and goes to mingo.
 */
export function simpleProjection(projection: Doc): ((typed: Doc) => Doc) | undefined {
  const cached = simpleProjections.get(projection);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parseSimpleProjection(projection);
  simpleProjections.set(projection, parsed ?? null);
  return parsed;
}

function parseSimpleProjection(projection: Doc): ((typed: Doc) => Doc) | undefined {
  let idIncluded = true;
  let idGiven = false;
  let mode: 'include' | 'exclude' | undefined;
  const fields = new Set<string>();
  for (const [key, raw] of Object.entries(projection)) {
    if (key === '' || key.includes('.') || key.startsWith('$')) return undefined;
    const value = typeof raw === 'boolean' ? raw : numericValue(raw);
    let include: boolean;
    if (value === true || value === 1) include = true;
    else if (value === false || value === 0) include = false;
    else return undefined;
    if (key === '_id') {
      idIncluded = include;
      idGiven = true;
      continue;
    }
    const m = include ? 'include' : 'exclude';
    if (mode && mode !== m) return undefined;
    mode = m;
    fields.add(key);
  }
  if (mode === undefined) mode = idIncluded ? 'include' : 'exclude';
  // mingo refuses an explicit `_id: 1` next to exclusions; let it say so.
  if (mode === 'exclude' && idGiven && idIncluded) return undefined;
  if (mode === 'include') {
    return (typed) => {
      const out: Doc = {};
      for (const k of Object.keys(typed)) {
        if ((k === '_id' ? idIncluded : fields.has(k)) && typed[k] !== undefined) out[k] = typed[k];
      }
      return out;
    };
  }
  if (!idIncluded) fields.add('_id');
  return (typed) => {
    const out: Doc = {};
    for (const k of Object.keys(typed)) if (!fields.has(k) && typed[k] !== undefined) out[k] = typed[k];
    return out;
  };
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
