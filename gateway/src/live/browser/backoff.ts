/**
 * How long to wait before reconnect attempt `retries` (0 for the first): doubling from `minMs`,
 * capped at `maxMs`, with ±50 % jitter so many open boards do not reconnect to a restarted gateway
 * in the same instant.
 */
export function backoffDelay(retries: number, random: () => number = Math.random, minMs = 500, maxMs = 15_000): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(retries, 20));
  return Math.round(base * (0.5 + random()));
}
