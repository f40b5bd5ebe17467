import { Context, Query as FullQuery, update as fullUpdate } from 'mingo';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import { Query as BareQuery } from 'mingo/query';
import { update as bareUpdate } from 'mingo/updater';
import type { Doc } from './bson-values.ts';
import { isPlainObject } from './bson-values.ts';
import { MINGO_OPTIONS } from './store/index-state.ts';

// mingo's top-level `Query`, `find` and `update` copy the whole operator context (~300 operators,
// most of them aggregation expressions) every time they are called, once more per nested copy;
// that copying was the largest single cost of a find or an update. Filters that do not use
// `$expr` only ever need the query operators (and projection operators for find), so they get a
// context holding just those, which is cheap to copy. Anything with `$expr` keeps the full one.

const LEAN_OPTIONS = {
  ...MINGO_OPTIONS,
  context: Context.init({ query: queryOperators, projection: projectionOperators }),
};

/** True when `v` (a filter, an update, array filters) contains an `$expr` key at any depth. */
export function usesExpressions(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(usesExpressions);
  if (!isPlainObject(v)) return false;
  for (const k of Object.keys(v)) {
    if (k === '$expr' || usesExpressions(v[k])) return true;
  }
  return false;
}

/** A compiled filter; same semantics (and errors) as `new Query(plain, MINGO_OPTIONS)` from mingo. */
export function compileQuery(plain: Doc): BareQuery {
  return usesExpressions(plain) ? new FullQuery(plain, MINGO_OPTIONS) : new BareQuery(plain, LEAN_OPTIONS);
}

/** Sorts plain documents with MongoDB's comparison order (mingo's stable $sort). */
export function sortPlain(docs: Doc[], sort: Record<string, 1 | -1>): Doc[] {
  return new BareQuery({}, LEAN_OPTIONS).find(docs).sort(sort).all() as Doc[];
}

/** mingo's `update` (mutates `plain`), without copying the expression operators when not needed. */
export function updatePlain(plain: Doc, modifier: Doc, arrayFilters: Doc[] | undefined, condition: Doc | undefined): void {
  const lean = !usesExpressions(modifier) && !usesExpressions(arrayFilters) && !usesExpressions(condition);
  if (lean) {
    bareUpdate(plain, modifier, arrayFilters, condition, { cloneMode: 'deep', queryOptions: LEAN_OPTIONS });
  } else {
    fullUpdate(plain, modifier, arrayFilters, condition, { cloneMode: 'deep', queryOptions: MINGO_OPTIONS });
  }
}
