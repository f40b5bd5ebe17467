/**
 * Runs tasks one at a time in arrival order. Commands go through one queue so that a document
 * change is atomic and the journal records changes in the order they were made.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
