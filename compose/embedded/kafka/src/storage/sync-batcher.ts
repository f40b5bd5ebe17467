// Group commit for fsync: every caller that asks before an fsync starts shares it, so N
// concurrent acks=-1 produce requests cost about two fsyncs, not N. An fsync starts at the end of
// the current tick (not at once), so all the requests read from one socket chunk share one.

const ignore = (): void => undefined;

export class SyncBatcher {
  /** the fsync in progress */
  private running: Promise<void> | null = null;
  /** the next fsync, not started yet: it covers everything written before it starts */
  private pending: Promise<void> | null = null;

  constructor(private readonly doSync: () => Promise<void>) {}

  /** Resolves once an fsync that started after this call has completed. */
  sync(): Promise<void> {
    // The running fsync may have started before the caller's write landed: wait for the next.
    this.pending ??= (this.running ?? Promise.resolve()).catch(ignore).then(() => {
      this.pending = null;
      const p: Promise<void> = this.doSync().finally(() => {
        if (this.running === p) this.running = null;
      });
      this.running = p;
      return p;
    });
    return this.pending;
  }

  /** Resolves when no fsync is running or queued (before closing the file). */
  async idle(): Promise<void> {
    while (this.pending ?? this.running) await (this.pending ?? this.running)!.catch(ignore);
  }
}
