import { ObjectId } from 'bson';
import { aggregate } from 'mingo';
import { MongoServerError } from './errors.ts';
import { canonicalKey, getPath, isPlainObject, numericValue, renderValue, retype, setPath, toPlain, toPlainDoc } from './bson-values.ts';
import type { Doc } from './bson-values.ts';
import { MINGO_OPTIONS } from './store/index-state.ts';
import { updatePlain } from './mingo-lean.ts';

const OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$pull', '$pullAll',
  '$pop', '$rename', '$bit', '$currentDate', '$setOnInsert',
]);
/** Operators whose value is stored as given, so the typed value is a good type hint. */
const VALUE_SETTERS = new Set(['$set', '$setOnInsert', '$min', '$max']);

export interface UpdateResult {
  typed: Doc;
  modified: boolean;
}

export function isOperatorUpdate(u: unknown): u is Doc {
  return isPlainObject(u) && Object.keys(u).some((k) => k.startsWith('$'));
}

/**
 * Applies an update (operators, replacement document or pipeline) to a typed document.
 * `inserting` is true when the document is being created by an upsert ($setOnInsert applies).
 * Throws before returning anything, so a failed update changes nothing.
 */
export function applyUpdate(
  typed: Doc,
  update: unknown,
  arrayFilters: Doc[] | undefined,
  inserting: boolean,
  query?: Doc,
): UpdateResult {
  let next: Doc;
  if (Array.isArray(update)) {
    const [out] = aggregate([toPlainDoc(typed)], update.map((s) => toPlain(s) as Doc), MINGO_OPTIONS);
    next = retype(out, typed) as Doc;
  } else if (isOperatorUpdate(update)) {
    next = applyOperators(typed, update, arrayFilters, inserting, query);
  } else if (isPlainObject(update)) {
    next = replacement(typed, update);
  } else {
    throw MongoServerError.of('FailedToParse', 'Update argument must be either an object or an array');
  }
  if (typed._id !== undefined && canonicalKey(next._id) !== canonicalKey(typed._id)) throw immutableId();
  return { typed: next, modified: canonicalKey(next) !== canonicalKey(typed) || !sameNumberTypes(next, typed) };
}

function immutableId(): MongoServerError {
  return MongoServerError.of('ImmutableField', `Performing an update on the path '_id' would modify the immutable field '_id'`);
}

function replacement(typed: Doc, update: Doc): Doc {
  for (const k of Object.keys(update)) {
    if (k.startsWith('$')) throw MongoServerError.of('FailedToParse', `The dollar ($) prefixed field '${k}' is not allowed`);
  }
  const out: Doc = {};
  if (typed._id !== undefined) out._id = update._id ?? typed._id;
  for (const [k, v] of Object.entries(update)) if (k !== '_id' || typed._id === undefined) out[k] = v;
  return out;
}

function applyOperators(typed: Doc, update: Doc, arrayFilters: Doc[] | undefined, inserting: boolean, query?: Doc): Doc {
  const modifier: Doc = {};
  const hints = new Map<string, unknown>();
  const seenPaths: string[] = [];
  let positional = false;
  for (const [op, fields] of Object.entries(update)) {
    if (!OPERATORS.has(op)) throw MongoServerError.of('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    if (!isPlainObject(fields)) throw MongoServerError.of('FailedToParse', `Modifiers operate on fields but we found type ${typeof fields} instead.`);
    if (op === '$setOnInsert' && !inserting) continue;
    const target = op === '$setOnInsert' ? '$set' : op;
    for (const [path, value] of Object.entries(fields)) {
      checkConflict(seenPaths, path);
      seenPaths.push(path);
      if (path.includes('$')) positional = true;
      if ((path === '_id' || path.startsWith('_id.')) && typed._id !== undefined) {
        // Setting _id to its current value is allowed (mongoose does it); anything else is not.
        if (op === '$set' && path === '_id' && canonicalKey(toPlain(value)) === canonicalKey(toPlain(typed._id))) continue;
        throw immutableId();
      }
      if (VALUE_SETTERS.has(op) && !path.includes('$')) hints.set(path, value);
      if (op === '$inc' || op === '$mul') checkNumeric(typed, op, path, value);
      const bucket = (modifier[target] ??= {}) as Doc;
      bucket[path] = toPlain(value);
    }
  }
  const plain = toPlainDoc(typed);
  if (Object.keys(modifier).length > 0) {
    // The query is passed along because the positional `$` operator refers to the element it
    // matched. mingo uses it for nothing else (it would only re-test a document that matched).
    const condition = query && !inserting && positional ? (toPlain(query) as Doc) : undefined;
    updatePlain(plain, modifier, arrayFilters?.map((f) => toPlain(f) as Doc), condition);
  }
  return retype(plain, typed, hints) as Doc;
}

function checkConflict(seen: string[], path: string): void {
  for (const other of seen) {
    if (other === path || other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) {
      throw MongoServerError.of('ConflictingUpdateOperators', `Updating the path '${path}' would create a conflict at '${other}'`);
    }
  }
}

/** The real server refuses arithmetic on non-numbers (mingo would silently skip it). */
function checkNumeric(typed: Doc, op: string, path: string, value: unknown): void {
  const name = op === '$inc' ? 'increment' : 'multiply';
  if (numericValue(value) === undefined) {
    throw MongoServerError.of('TypeMismatch', `Cannot ${name} with non-numeric argument: {${path}: ${renderValue(toPlain(value))}}`);
  }
  if (path.includes('$')) return;
  const current = getPath(typed, path);
  if (current !== undefined && numericValue(current) === undefined) {
    const type = current === null ? 'null' : Array.isArray(current) ? 'array' : typeof current === 'object' ? 'object' : typeof current;
    throw MongoServerError.of(
      'TypeMismatch',
      `Cannot apply ${op} to a value of non-numeric type. {_id: ${renderValue(toPlain(typed._id))}} has the field '${path.split('.').pop()}' of non-numeric type ${type}`,
    );
  }
}

/** Detects a change of number type alone ($set of 1.0 over int 1 counts as a modification). */
function sameNumberTypes(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.every((x, i) => sameNumberTypes(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) return Object.keys(a).every((k) => sameNumberTypes(a[k], b[k]));
  const ta = (a as { _bsontype?: string } | null)?._bsontype;
  const tb = (b as { _bsontype?: string } | null)?._bsontype;
  return ta === tb;
}

/**
 * The document an upsert starts from: the query's equality conditions (typed, as sent),
 * then `_id` first (from the query, the update, or a new ObjectId).
 */
export function upsertSeed(query: Doc): Doc {
  const seed: Doc = {};
  collectEqualities(query, seed);
  return seed;
}

function collectEqualities(query: Doc, seed: Doc): void {
  for (const [k, v] of Object.entries(query)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const clause of v) if (isPlainObject(clause)) collectEqualities(clause, seed);
      continue;
    }
    if (k.startsWith('$')) continue;
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$eq') setPath(seed, k, v.$eq);
      else if (!keys.some((x) => x.startsWith('$'))) setPath(seed, k, v);
      continue;
    }
    if (v instanceof RegExp) continue;
    setPath(seed, k, v);
  }
}

/** Puts `_id` first, generating one if the document has none. */
export function withIdFirst(doc: Doc): Doc {
  const out: Doc = { _id: doc._id ?? new ObjectId() };
  for (const [k, v] of Object.entries(doc)) if (k !== '_id') out[k] = v;
  return out;
}
