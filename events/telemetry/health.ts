/**
 * Readiness/liveness as data: each dependency (Mongo, Kafka, Redis...) is a named async check;
 * the report says which ones pass and how long they took. A check that hangs must not hang the
 * health endpoint, so every check runs against a timeout.
 */

/** Resolves when healthy; rejects (or resolves `false`) when not. Should honour `signal`. */
export type HealthCheck = (signal: AbortSignal) => Promise<unknown>;

export interface CheckResult {
  ok: boolean;
  error?: string;
  ms: number;
}

export interface HealthReport {
  status: 'ok' | 'fail';
  checks: Record<string, CheckResult>;
}

export interface HealthOptions {
  /** Per-check limit; default 2000 ms. */
  timeoutMs?: number;
  /** Clock for `ms`; injectable for tests. */
  now?: () => number;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 2000;

/** Runs all checks concurrently; status is 'ok' only when every check passed in time. */
export async function runHealthChecks(
  checks: Record<string, HealthCheck>,
  options: HealthOptions = {},
): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const now = options.now ?? (() => performance.now());
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await runOne(check, timeoutMs, now)] as const),
  );
  const results = Object.fromEntries(entries);
  const status = entries.every(([, result]) => result.ok) ? 'ok' : 'fail';
  return { status, checks: results };
}

/** A reusable `() => Promise<HealthReport>` for a fixed set of checks, e.g. for `/health`. */
export function createHealth(checks: Record<string, HealthCheck>, options: HealthOptions = {}) {
  return (): Promise<HealthReport> => runHealthChecks(checks, options);
}

async function runOne(check: HealthCheck, timeoutMs: number, now: () => number): Promise<CheckResult> {
  const controller = new AbortController();
  const started = now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    // Promise.resolve().then(...) turns a synchronous throw inside the check into a rejection.
    const value = await Promise.race([Promise.resolve().then(() => check(controller.signal)), timeout]);
    const ms = elapsed(started, now);
    return value === false ? { ok: false, error: 'check returned false', ms } : { ok: true, ms };
  } catch (error) {
    return { ok: false, error: errorMessage(error), ms: elapsed(started, now) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number, now: () => number): number {
  return Math.round((now() - started) * 100) / 100;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
