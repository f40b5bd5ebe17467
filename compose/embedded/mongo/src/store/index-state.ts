import { Query } from 'mingo';
import { MongoServerError } from '../errors.ts';
import { canonicalKey, isMissingAtPath, isPlainObject, numericValue, optBool, renderValue, toPlain, valuesAtPath } from '../bson-values.ts';
import type { Doc } from '../bson-values.ts';

export const MINGO_OPTIONS = { scriptEnabled: false } as const;

/** Bounds the multikey cartesian product of a compound key (the real server refuses parallel arrays). */
const MAX_KEYS_PER_DOC = 10_000;

/**
 * One index: its spec exactly as created (returned verbatim by listIndexes) and a map from
 * canonical key to the ids of the documents that have it. Every index keeps entries so that
 * equality lookups on an indexed field do not scan the collection.
 */
export class IndexState {
  readonly spec: Doc;
  readonly name: string;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly ttlSeconds: number | undefined;
  private readonly partial: Query | undefined;
  private readonly entries = new Map<string, Set<string>>();
  /**
   * Compound indexes only: ids by the key of the FIRST field, so that an equality on the index's
   * prefix (e.g. `{ streamId }` on `{ streamId: 1, fromVersion: 1 }`) is a lookup, not a scan.
   */
  private readonly firstFieldEntries = new Map<string, Set<string>>();

  constructor(spec: Doc) {
    this.spec = spec;
    this.name = String(spec.name);
    const key = spec.key as Doc;
    this.fields = Object.keys(key);
    this.unique = this.name === '_id_' || optBool(spec.unique);
    this.sparse = optBool(spec.sparse);
    this.ttlSeconds = numericValue(spec.expireAfterSeconds);
    this.partial = isPlainObject(spec.partialFilterExpression)
      ? new Query(toPlain(spec.partialFilterExpression) as Doc, MINGO_OPTIONS)
      : undefined;
  }

  /** Canonical keys of a document (several for multikey); empty when the document is not indexed. */
  keysOf(plain: Doc): string[] {
    if (this.partial && !this.partial.test(plain)) return [];
    if (this.sparse && this.fields.every((f) => isMissingAtPath(plain, f))) return [];
    let combos: string[][] = [[]];
    for (const field of this.fields) {
      const values = valuesAtPath(plain, field);
      const next: string[][] = [];
      for (const combo of combos) {
        for (const v of values) {
          next.push([...combo, canonicalKey(v)]);
          if (next.length > MAX_KEYS_PER_DOC) break;
        }
      }
      combos = next;
    }
    return [...new Set(combos.map((c) => c.join('\u0000')))];
  }

  /**
   * Throws DuplicateKey if `plain` collides with another document. `selfId` is the id of the
   * document being replaced (its own entries do not count); undefined for an insert.
   */
  checkUnique(ns: string, plain: Doc, typed: Doc, selfId: string | undefined): void {
    if (!this.unique) return;
    for (const key of this.keysOf(plain)) {
      const holders = this.entries.get(key);
      if (!holders) continue;
      for (const id of holders) {
        if (id !== selfId) throw this.duplicateError(ns, plain, typed, key);
      }
    }
  }

  add(plain: Doc, id: string): void {
    const keys = this.keysOf(plain);
    for (const key of keys) addTo(this.entries, key, id);
    for (const prefix of this.firstFieldKeys(plain, keys)) addTo(this.firstFieldEntries, prefix, id);
  }

  remove(plain: Doc, id: string): void {
    const keys = this.keysOf(plain);
    for (const key of keys) removeFrom(this.entries, key, id);
    for (const prefix of this.firstFieldKeys(plain, keys)) removeFrom(this.firstFieldEntries, prefix, id);
  }

  /** The first field's keys of an indexed document (compound indexes only). */
  private firstFieldKeys(plain: Doc, keys: string[]): string[] {
    if (this.fields.length === 1 || keys.length === 0) return [];
    return [...new Set(valuesAtPath(plain, this.fields[0]!).map((value) => canonicalKey(value)))];
  }

  /**
   * Ids of documents whose FIRST indexed field equals `value`, if this index can answer that:
   * the whole key of a single-field index, the prefix of a compound one. Partial indexes do not
   * hold every document, nor do sparse ones hold those missing the field, so they never answer.
   */
  lookupEquality(value: unknown): Set<string> | undefined {
    if (this.partial || (this.sparse && (value === null || value === undefined))) return undefined;
    const map = this.fields.length === 1 ? this.entries : this.firstFieldEntries;
    return map.get(canonicalKey(value)) ?? new Set();
  }

  private duplicateError(ns: string, plain: Doc, typed: Doc, key: string): MongoServerError {
    // Pick the values of the colliding combination (first value per field whose key matches).
    const parts = key.split('\u0000');
    const keyValue: Doc = {};
    this.fields.forEach((field, i) => {
      const plainValues = valuesAtPath(plain, field);
      const typedValues = valuesAtPath(typed, field);
      const idx = plainValues.findIndex((v) => canonicalKey(v) === parts[i]);
      const typedValue = idx >= 0 ? typedValues[idx] : undefined;
      keyValue[field] = typedValue === undefined ? null : typedValue;
    });
    const rendered = this.fields.map((f) => `${f}: ${renderValue(toPlain(keyValue[f]))}`).join(', ');
    const keyPattern = toPlain(this.spec.key) as Doc;
    return MongoServerError.of(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: { ${rendered} }`,
      { keyPattern, keyValue },
    );
  }
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  set?.delete(id);
  if (set && set.size === 0) map.delete(key);
}
