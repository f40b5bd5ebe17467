/** Thrown by append when the stream head is not where the caller expected it (invariant 2). */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    /** The head seen when the conflict was detected; undefined when only the index told us. */
    readonly actualVersion: number | undefined,
  ) {
    super(
      `stream ${streamId}: expected version ${expectedVersion}, ` +
        `but the stream is at ${actualVersion ?? 'a newer version'}`,
    );
  }
}

/**
 * A handler's verdict that retrying this message cannot help (it is unusable, or it depends on
 * an earlier message that was itself parked): the consumer runner parks it on the DLQ at once
 * instead of stalling the partition for its whole retry budget.
 */
export class PermanentMessageError extends Error {
  override readonly name: string = 'PermanentMessageError';
}

/** A message that can never be processed (bad JSON, schema violation): DLQ without retries. */
export class MalformedMessageError extends PermanentMessageError {
  override readonly name = 'MalformedMessageError';
}

/** MongoDB answers a unique-index collision with code 11000, whichever client surfaced it. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 11000
  );
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
