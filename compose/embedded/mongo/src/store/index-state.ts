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
    for (const key of this.keysOf(plain)) {
      let set = this.entries.get(key);
      if (!set) this.entries.set(key, (set = new Set()));
      set.add(id);
    }
  }

  remove(plain: Doc, id: string): void {
    for (const key of this.keysOf(plain)) {
      const set = this.entries.get(key);
      set?.delete(id);
      if (set && set.size === 0) this.entries.delete(key);
    }
  }

  /** Ids of documents whose single-field key equals `value`, if this index can answer that. */
  lookupEquality(value: unknown): Set<string> | undefined {
    if (this.fields.length !== 1 || this.partial || (this.sparse && (value === null || value === undefined))) {
      return undefined;
    }
    return this.entries.get(canonicalKey(value)) ?? new Set();
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
