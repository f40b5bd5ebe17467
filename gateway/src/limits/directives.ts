import { Kind, type GraphQLError, type SelectionSetNode } from 'graphql';
import { fragmentMeasure, type LimitInput } from './fragments.ts';
import { operationLimitError } from './limit-error.ts';

/**
 * Directives used in an operation, a fragment's counting as often as it is spread. Thousands of
 * `@include(if: true)` on one field cost every validation rule and the planner time, and no
 * client needs more than a handful.
 */
export function operationDirectives(fragments: LimitInput['fragments'], selectionSet: SelectionSetNode): number {
  const fragmentDirectives = fragmentMeasure(fragments, (fragment) => (fragment.directives?.length ?? 0) + count(fragment.selectionSet), 0);
  function count(set: SelectionSetNode): number {
    let total = 0;
    for (const selection of set.selections) {
      total += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) total += selection.selectionSet ? count(selection.selectionSet) : 0;
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet);
      else total += fragmentDirectives(selection.name.value);
    }
    return total;
  }
  return count(selectionSet);
}

export function checkDirectives(input: LimitInput, maxDirectives: number): GraphQLError | undefined {
  const actual = (input.operation.directives?.length ?? 0) + operationDirectives(input.fragments, input.operation.selectionSet);
  return actual > maxDirectives ? operationLimitError('directives', maxDirectives, actual, input.operation) : undefined;
}
