import type { FetchDataRewrite, QueryPlanSelectionNode } from '@apollo/query-planner';
import { ResultTree, type JsonObject } from './result-tree.ts';
import type { TypeRelations } from './type-relations.ts';

/**
 * The representation of an entity for `_entities`: what the fetch's `requires` selects from the
 * object (its key fields, and the fields a `@requires` needs), as Apollo's executor builds it.
 * Null when a selected field is missing (that entity is not sent). A fresh structure: rewrites
 * applied to it never touch the result tree.
 */
export function representationOf(types: TypeRelations, source: unknown, selections: readonly QueryPlanSelectionNode[]): JsonObject | null {
  if (!ResultTree.isObject(source)) return null;
  // The usual shape of an entity fetch's `requires`: one `... on T { __typename key }`. Its
  // selection is the representation itself, no merging needed.
  const only = selections.length === 1 ? selections[0]! : undefined;
  if (only?.kind === 'InlineFragment' && only.typeCondition) return types.isObjectOfType(source, only.typeCondition) ? representationOf(types, source, only.selections) : {};
  const result: JsonObject = {};
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const name = selection.alias ?? selection.name;
      const value = source[name];
      if (value === undefined) return null;
      result[name] = selection.selections ? selectInto(types, value, selection.selections) : value;
    } else if (selection.typeCondition && types.isObjectOfType(source, selection.typeCondition)) {
      mergeSelected(result, representationOf(types, source, selection.selections));
    }
  }
  return result;
}

function selectInto(types: TypeRelations, value: unknown, selections: readonly QueryPlanSelectionNode[]): unknown {
  if (Array.isArray(value)) return value.map((element) => selectInto(types, element, selections));
  return value === null ? null : representationOf(types, value, selections);
}

/** Merges a fragment's part of a representation (both are fresh, so plain assignment and recursion suffice). */
function mergeSelected(target: JsonObject, source: JsonObject | null): void {
  if (!source) return;
  for (const key in source) {
    const value = source[key];
    const existing = target[key];
    if (ResultTree.isObject(existing) && ResultTree.isObject(value)) mergeSelected(existing, value);
    else target[key] = value;
  }
}

const FRAGMENT_PREFIX = '... on ';

/**
 * Applies a fetch's input or output rewrites (Apollo's dataRewrites): set a value at a path, or
 * rename a key, where path elements `... on T` only match objects of type T. `value` must be this
 * execution's own (a fresh representation, or a copy of a subgraph answer).
 */
export function applyRewrites(types: TypeRelations, rewrites: readonly FetchDataRewrite[] | undefined, value: JsonObject): void {
  if (!rewrites) return;
  for (const rewrite of rewrites) {
    const parentPath = rewrite.path.slice(0, -1);
    const field = rewrite.path[rewrite.path.length - 1];
    if (field === undefined) continue;
    applyAtPath(types, parentPath, value, (object) => {
      if (rewrite.kind === 'ValueSetter') {
        object[field] = rewrite.setValueTo;
      } else if (object[field]) {
        object[rewrite.renameKeyTo] = object[field];
        object[field] = undefined;
      }
    });
  }
}

function applyAtPath(types: TypeRelations, path: readonly string[], value: unknown, apply: (object: JsonObject) => void): void {
  if (Array.isArray(value)) {
    for (const element of value) applyAtPath(types, path, element, apply);
    return;
  }
  if (!ResultTree.isObject(value)) return;
  const [first, ...rest] = path;
  if (first === undefined) {
    apply(value);
  } else if (first.startsWith(FRAGMENT_PREFIX)) {
    if (types.isObjectOfType(value, first.slice(FRAGMENT_PREFIX.length), true)) applyAtPath(types, rest, value, apply);
  } else {
    applyAtPath(types, rest, value[first], apply);
  }
}
