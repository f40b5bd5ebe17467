// Long-poll support: fetch requests waiting for data register here per partition and are woken
// when an append lands on one of them. hurry() answers the waits on some topics now (a group
// rebalance started: kafkajs members blocked in a long poll cannot heartbeat and learn about it
// until the poll ends); cancelAll() drops every wait at shutdown.

type Wake = () => void;

export class FetchWaiters {
  private readonly byPartition = new Map<string, Set<Wake>>();
  private readonly waits = new Map<() => void, { topics: string[]; hurry: () => void }>(); // by cancel

  private static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  /** Register a wake-up for these partitions; returns the unregister function. */
  watch(
    partitions: readonly { topic: string; partition: number }[],
    wake: Wake,
    cancel: () => void,
    hurry: () => void,
  ): () => void {
    const keys = partitions.map((p) => FetchWaiters.key(p.topic, p.partition));
    for (const k of keys) {
      let set = this.byPartition.get(k);
      if (!set) this.byPartition.set(k, (set = new Set()));
      set.add(wake);
    }
    this.waits.set(cancel, { topics: partitions.map((p) => p.topic), hurry });
    return () => {
      this.waits.delete(cancel);
      for (const k of keys) {
        const set = this.byPartition.get(k);
        if (!set) continue;
        set.delete(wake);
        if (set.size === 0) this.byPartition.delete(k);
      }
    };
  }

  notify(topic: string, partition: number): void {
    const set = this.byPartition.get(FetchWaiters.key(topic, partition));
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  hurry(topics: ReadonlySet<string>): void {
    for (const w of [...this.waits.values()]) if (w.topics.some((t) => topics.has(t))) w.hurry();
  }

  cancelAll(): void {
    for (const cancel of [...this.waits.keys()]) cancel();
  }
}
