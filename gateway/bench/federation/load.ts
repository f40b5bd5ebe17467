// The load generator: autocannon with a fixed number of connections for a fixed time, every
// answer checked. The first correct answer's exact text becomes the fast path (string compare);
// any other text is parsed and compared deep-equal with the expected answer before it counts as wrong.
import type { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { BENCHMARK_BODY } from './query.ts';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  headers: Record<string, string>;
  expected: unknown;
  /** Called every 5 s with the requests completed so far (progress lines). */
  onTick?: (completed: number) => void;
}

export interface LoadResult {
  /** Queries sent, answered or not (autocannon abandons the ones in flight when time is up). */
  sent: number;
  completed: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  wrong: number;
  /** Transport errors, timeouts and non-2xx answers. */
  errors: number;
  firstWrong?: string;
}

export function checkAnswer(text: string, expected: unknown): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(text), expected);
  } catch {
    return false;
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let knownGood: string | undefined;
  let wrong = 0;
  let firstWrong: string | undefined;
  let completed = 0;
  let sent = 0;
  const ticker = setInterval(() => options.onTick?.(completed), 5000);
  // autocannon's instance is a thenable without finally(): wrap it in a real promise.
  const result = await Promise.resolve(autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    // 'request' fires on every write, also the re-sends after a timeout (setupRequest does not);
    // the client is an EventEmitter, but @types/autocannon lists only its response events.
    setupClient: (client) => {
      (client as unknown as EventEmitter).on('request', () => (sent += 1));
    },
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: BENCHMARK_BODY,
        onResponse: (status: number, body: string) => {
          completed += 1;
          if (status !== 200) return; // counted by autocannon as non-2xx
          if (body === knownGood) return;
          if (checkAnswer(body, options.expected)) knownGood ??= body;
          else {
            wrong += 1;
            firstWrong ??= body.slice(0, 300);
          }
        },
      },
    ],
  })).finally(() => clearInterval(ticker));

  return {
    sent,
    completed: result.requests.total,
    rps: result.requests.total / (result.duration || options.durationSeconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    wrong,
    errors: result.errors + result.non2xx, // autocannon counts timeouts among errors
    ...(firstWrong ? { firstWrong } : {}),
  };
}
