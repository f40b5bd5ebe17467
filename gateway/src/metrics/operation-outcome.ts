/**
 * The `outcome` label of graphql_operations_total and graphql_operation_duration_seconds:
 *   success  executed, no errors
 *   error    executed with errors (partial data included), or failed before execution for any
 *            other reason (syntax, validation, a bad request)
 *   refused  turned away before execution by a gateway guard: an operation limit, the rate
 *            limit or a missing/invalid token
 */
export type OperationOutcome = 'success' | 'error' | 'refused';

/** The codes of the gateway's own refusals (limits/, rate-limit/, auth/). */
export const REFUSAL_CODES: ReadonlySet<string> = new Set(['OPERATION_LIMIT', 'RATE_LIMITED', 'UNAUTHENTICATED']);

/** An error as Apollo hands it to plugins: only its code matters here. */
interface CodedError {
  extensions?: { code?: unknown } | undefined;
}

/**
 * `executed`: whether execution started. An UNAUTHENTICATED from a subgraph resolver (a field
 * needs a signed-in caller) is an execution error, not a refusal.
 */
export function operationOutcome(errors: readonly CodedError[] | undefined, executed: boolean): OperationOutcome {
  if (!errors || errors.length === 0) return 'success';
  if (executed) return 'error';
  return errors.every((error) => REFUSAL_CODES.has(String(error.extensions?.code))) ? 'refused' : 'error';
}
