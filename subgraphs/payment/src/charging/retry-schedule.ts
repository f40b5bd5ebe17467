export interface RetrySchedule {
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { initialDelayMs: 200, maxDelayMs: 30_000 };

/**
 * Delay before the attempt after `failedAttempts` failures: doubling from `initialDelayMs` up to
 * `maxDelayMs`, with "equal jitter" (half fixed, half random). The jitter spreads payments that
 * failed together (a provider outage) so they do not return in lockstep; the fixed half keeps
 * the delay growing, so a long outage is not hammered.
 */
export function retryDelayMs(failedAttempts: number, schedule: RetrySchedule, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const ceiling = Math.min(schedule.maxDelayMs, schedule.initialDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
