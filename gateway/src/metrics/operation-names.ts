/** The label of an operation without a name, or whose name is not a GraphQL name. */
export const ANONYMOUS_OPERATION = 'anonymous';
/** The label of every named operation past the cap, or never seen executing. */
export const OTHER_OPERATIONS = 'other';
export const DEFAULT_MAX_OPERATION_NAMES = 100;

/** A GraphQL Name (spec 2.1.9), at most 100 characters: anything else is not a real operation name. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

export interface OperationNameLabels {
  /**
   * The `operation_name` label. `admit` is true only for an operation that reached execution
   * (parsed, validated, not refused): only such names take one of the `maxNames` places. Others
   * (refused or invalid operations, whose name is whatever the client sent) keep a name already
   * admitted, else count as "other", so junk cannot use up the places.
   */
  label(name: string | null | undefined, admit: boolean): string;
}

/**
 * Bounds the operation_name label: clients choose operation names, so without a bound one
 * client could create any number of time series. The first `maxNames` distinct names seen
 * executing are kept for the process's life; later ones are "other".
 */
export function createOperationNameLabels(maxNames = DEFAULT_MAX_OPERATION_NAMES): OperationNameLabels {
  const admitted = new Set<string>();
  return {
    label(name, admit) {
      if (!name || !GRAPHQL_NAME.test(name)) return ANONYMOUS_OPERATION;
      if (admitted.has(name)) return name;
      if (admit && admitted.size < maxNames) {
        admitted.add(name);
        return name;
      }
      return OTHER_OPERATIONS;
    },
  };
}
