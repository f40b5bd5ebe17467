import { Kind, type GraphQLError, type SelectionSetNode } from 'graphql';
import { fragmentMeasure, type LimitInput } from './fragments.ts';
import { operationLimitError } from './limit-error.ts';

/**
 * Fields selected at the operation's root, through fragments too. Each root field is at least one
 * subgraph fetch (and, for a mutation, one command run in sequence), so many of them in one
 * request are a batch attack rather than a page's needs.
 */
export function operationRootFields(fragments: LimitInput['fragments'], selectionSet: SelectionSetNode): number {
  const fragmentRootFields = fragmentMeasure(fragments, (fragment) => count(fragment.selectionSet), 0);
  function count(set: SelectionSetNode): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet);
      else total += fragmentRootFields(selection.name.value);
    }
    return total;
  }
  return count(selectionSet);
}

export function checkRootFields(input: LimitInput, maxRootFields: number): GraphQLError | undefined {
  const actual = operationRootFields(input.fragments, input.operation.selectionSet);
  return actual > maxRootFields ? operationLimitError('rootFields', maxRootFields, actual, input.operation) : undefined;
}
