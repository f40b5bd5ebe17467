import { Redis } from 'ioredis';

/** What a contract case gets: a shared client, extra connections on demand, and key naming. */
export interface Harness {
  readonly client: Redis;
  /** A fresh connection, closed automatically after the case. */
  connect(): Promise<Redis>;
  /** A key (or channel) name private to this case; identical on every target, so transcripts compare. */
  key(name: string): string;
}

/**
 * A contract case: `run` returns a transcript (plain data) that `check` asserts with concrete
 * expectations. The runner checks each target, then requires equal transcripts across targets.
 */
export interface ContractCase {
  readonly name: string;
  run(harness: Harness): Promise<unknown>;
  check(transcript: never): void;
}

/** Defines a case with a typed transcript. */
export function contractCase<T>(name: string, run: (harness: Harness) => Promise<T>, check: (transcript: T) => void): ContractCase {
  return { name, run, check: check as (transcript: never) => void };
}

/** The reply, or `{ error: message }` when the server answered with an error. */
export async function attempt<T>(reply: Promise<T>): Promise<T | { error: string }> {
  try {
    return await reply;
  } catch (cause) {
    return { error: cause instanceof Error ? cause.message : String(cause) };
  }
}

export function newClient(url: string): Redis {
  // No retries: a broken server must fail the test rather than hang it.
  return new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition()` holds, polling for at most `timeoutMs`; returns whether it did. */
export async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}
