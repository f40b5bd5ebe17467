import type { z } from 'zod';

/**
 * The categories of failure a client can act on. They are named after the GraphQL
 * `extensions.code` values (architecture invariant 7) so the one mapping in the service kit is
 * obvious. Domains throw DomainError subclasses; nothing else in a service builds GraphQL errors.
 */
export const ERROR_CODES = ['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'UNAUTHENTICATED', 'RATE_LIMITED'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A typed, expected failure: the command was refused and nothing changed. */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra, client-safe facts (e.g. `field`), copied into `extensions`. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export interface FieldIssue {
  /** Dotted path into the input, e.g. `items.2.quantity`; empty for the whole input. */
  path: string;
  message: string;
}

/** The input breaks a rule: BAD_USER_INPUT naming every problem, the first one in `message`. */
export class ValidationError extends DomainError {
  override name = 'ValidationError';
  readonly issues: readonly FieldIssue[];
  /** Path of the first issue, the one named in `message`. */
  readonly path: string;

  constructor(issues: readonly FieldIssue[]) {
    const [first] = issues;
    const message = first ? (first.path ? `${first.path}: ${first.message}` : first.message) : 'invalid input';
    super('BAD_USER_INPUT', message, { field: first?.path ?? '', issues });
    this.issues = issues;
    this.path = first?.path ?? '';
  }

  static fromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): ValidationError {
    return new ValidationError(
      error.issues.map((issue) => ({ path: [...prefix, ...issue.path].map(String).join('.'), message: issue.message })),
    );
  }
}

/** Parses `value` with `schema`, or throws a ValidationError (never a raw ZodError). */
export function validateInput<S extends z.ZodType>(schema: S, value: unknown, path: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error, path);
  return result.data;
}
