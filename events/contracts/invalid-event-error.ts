import type { z } from 'zod';

/** Why a message could not be read as an event; consumers park such messages on the DLQ. */
export type InvalidEventReason =
  | 'malformed-json'
  | 'malformed-envelope'
  | 'unknown-type'
  | 'unknown-version'
  | 'invalid-data'
  | 'upcast-failed';

export interface EventIssue {
  /** Dotted path inside the envelope, e.g. `data.items.0.sku`; empty for the whole message. */
  path: string;
  message: string;
}

export interface InvalidEventDetails {
  issues?: readonly EventIssue[];
  eventId?: string;
  eventType?: string;
  eventVersion?: number;
  cause?: unknown;
}

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly reason: InvalidEventReason;
  readonly issues: readonly EventIssue[];
  /** Whatever could be read of the message, to make DLQ entries searchable. */
  readonly eventId: string | undefined;
  readonly eventType: string | undefined;
  readonly eventVersion: number | undefined;

  constructor(reason: InvalidEventReason, message: string, details: InvalidEventDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = reason;
    this.issues = details.issues ?? [];
    this.eventId = details.eventId;
    this.eventType = details.eventType;
    this.eventVersion = details.eventVersion;
  }
}

export function issuesFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): EventIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}

export function describeIssues(issues: readonly EventIssue[]): string {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
}
