import type { FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';

/** What every limit looks at: one operation of the document, its fragments, the API schema. */
export interface LimitInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

/**
 * Measures each named fragment once per operation, however often it is spread: the figures of a
 * fragment do not depend on where it is spread, and without the memo a chain of fragments that
 * each spread the next one twice would take exponential time to measure.
 *
 * The limits run before the specification's rules, so a fragment cycle (rejected later by
 * NoFragmentCycles) must not loop here: a fragment met again while it is being measured, or an
 * unknown one, measures `none`.
 */
export function fragmentMeasure<T>(fragments: LimitInput['fragments'], measure: (fragment: FragmentDefinitionNode) => T, none: T): (name: string) => T {
  const done = new Map<string, T>();
  const inProgress = new Set<string>();
  return (name) => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return none;
    inProgress.add(name);
    const value = measure(fragment);
    inProgress.delete(name);
    done.set(name, value);
    return value;
  };
}
