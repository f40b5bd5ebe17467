import { Kind, type GraphQLError, type SelectionSetNode } from 'graphql';
import { fragmentMeasure, type LimitInput } from './fragments.ts';
import { operationLimitError } from './limit-error.ts';

/**
 * Aliases in an operation, a fragment's counting as often as it is spread. Aliases are what turn
 * one cheap field into 10,000 subgraph fetches (`a1: orders(first: 100) … a10000: …`).
 */
export function operationAliases(fragments: LimitInput['fragments'], selectionSet: SelectionSetNode): number {
  const fragmentAliases = fragmentMeasure(fragments, (fragment) => count(fragment.selectionSet), 0);
  function count(set: SelectionSetNode): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += (selection.alias ? 1 : 0) + (selection.selectionSet ? count(selection.selectionSet) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += count(selection.selectionSet);
      } else {
        total += fragmentAliases(selection.name.value);
      }
    }
    return total;
  }
  return count(selectionSet);
}

export function checkAliases(input: LimitInput, maxAliases: number): GraphQLError | undefined {
  const actual = operationAliases(input.fragments, input.operation.selectionSet);
  return actual > maxAliases ? operationLimitError('aliases', maxAliases, actual, input.operation) : undefined;
}
