// Free of vitest and of any server: a bench process may import it too.
/**
 * The values of one test subscription, pushed by the test (or a bench's emitter) as they come.
 * Not an async generator on purpose: a generator waiting for its next value cannot be returned
 * until that value comes, so a client that leaves would keep its subscription open; return()
 * here ends it at once and calls `onEnd` (where the listener is removed).
 */
export class PushStream<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private wake: (() => void) | undefined;
  private done = false;

  constructor(private readonly onEnd: () => void) {}

  push(value: T): void {
    this.queue.push(value);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async next(): Promise<IteratorResult<T>> {
    while (!this.done && this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.done || this.queue.length === 0) return { done: true, value: undefined };
    return { done: false, value: this.queue.shift() as T };
  }

  async return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.onEnd();
      this.wake?.();
    }
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
