import { Kind, type GraphQLError, type SelectionSetNode } from 'graphql';
import { fragmentMeasure, type LimitInput } from './fragments.ts';
import { operationLimitError } from './limit-error.ts';

/**
 * The deepest chain of nested fields in an operation (`{ a { b } }` is 2); fragments and inline
 * fragments add no level of their own. `__schema` and `__type` are not counted: the standard
 * introspection query is 15 levels deep, and graphql-js bounds introspection nesting itself
 * (MaxIntrospectionDepthRule, one of the specified rules).
 */
export function operationDepth(fragments: LimitInput['fragments'], selectionSet: SelectionSetNode): number {
  const fragmentDepth = fragmentMeasure(fragments, (fragment) => depth(fragment.selectionSet), 0);
  function depth(set: SelectionSetNode): number {
    let deepest = 0;
    for (const selection of set.selections) {
      let d: number;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__schema' || selection.name.value === '__type') continue;
        d = 1 + (selection.selectionSet ? depth(selection.selectionSet) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        d = depth(selection.selectionSet);
      } else {
        d = fragmentDepth(selection.name.value);
      }
      deepest = Math.max(deepest, d);
    }
    return deepest;
  }
  return depth(selectionSet);
}

export function checkDepth(input: LimitInput, maxDepth: number): GraphQLError | undefined {
  const actual = operationDepth(input.fragments, input.operation.selectionSet);
  return actual > maxDepth ? operationLimitError('depth', maxDepth, actual, input.operation) : undefined;
}
