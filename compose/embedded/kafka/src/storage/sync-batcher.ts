// Group commit for fsync: callers that ask while an fsync is running share the next one, so N
// concurrent acks=-1 produce requests cost about two fsyncs, not N.

export class SyncBatcher {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly doSync: () => Promise<void>) {}

  sync(): Promise<void> {
    if (!this.running) return this.start();
    // The running fsync may have started before the caller's write landed, so wait for the next.
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<void> {
    const p: Promise<void> = this.doSync().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }
}
