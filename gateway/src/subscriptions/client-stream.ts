import type { ExecutionResult } from 'graphql';
import { codedErrorResult } from './error-results.ts';

export interface ClientStreamOptions {
  /** Events waiting for a slow client; past this the oldest waiting event is dropped. */
  maxQueue: number;
  /** Called once when the stream ends for any reason (client left, upstream ended, shutdown). */
  onClose: () => void;
  onDropped?: (count: number) => void;
}

/**
 * The events of one client subscription, in order, as the async generator graphql-ws iterates.
 * Each entry is the (possibly still running) resolution of one event, so events resolve in
 * parallel but reach the client in the order they happened.
 *
 * Overflow policy: a client that reads slower than events arrive holds at most `maxQueue` of them;
 * beyond that the OLDEST waiting event is dropped (the streams are state changes, so the newest
 * state is the one worth keeping) and the next event delivered says how many were lost in
 * `extensions.droppedEvents`, so a client can re-read the state if it needs every step.
 */
export class ClientStream implements AsyncGenerator<ExecutionResult> {
  private readonly queue: Promise<ExecutionResult>[] = [];
  private final: ExecutionResult | undefined;
  private ended = false;
  private done = false;
  private dropped = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly options: ClientStreamOptions) {}

  push(result: Promise<ExecutionResult>): void {
    if (this.ended) return;
    // An unhandled rejection would crash the process before next() gets to it.
    result.catch(() => undefined);
    this.queue.push(result);
    if (this.queue.length > this.options.maxQueue) {
      this.queue.shift();
      this.dropped += 1;
      this.options.onDropped?.(1);
    }
    this.signal();
  }

  /** No more events: deliver what is queued, then `final` (e.g. an error saying why), then complete. */
  end(final?: ExecutionResult): void {
    if (this.ended) return;
    this.ended = true;
    this.final = final;
    this.signal();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      const head = this.queue.shift();
      if (head) return { done: false, value: this.withDropCount(await settle(head)) };
      if (this.ended) {
        const final = this.final;
        this.final = undefined;
        if (final) return { done: false, value: final };
        this.close();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.ended = true;
    this.queue.length = 0;
    this.close();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  private withDropCount(result: ExecutionResult): ExecutionResult {
    if (this.dropped === 0) return result;
    const droppedEvents = this.dropped;
    this.dropped = 0;
    return { ...result, extensions: { ...result.extensions, droppedEvents } };
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    this.signal();
    this.options.onClose();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** A failed event resolution becomes an error result: the subscription itself goes on. */
async function settle(result: Promise<ExecutionResult>): Promise<ExecutionResult> {
  try {
    return await result;
  } catch {
    return codedErrorResult('this event could not be resolved', 'INTERNAL_SERVER_ERROR');
  }
}
