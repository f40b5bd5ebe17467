// Committed consumer-group offsets: an in-memory map backed by a JSON-lines log (offsets as
// strings so int64 survives JSON), compacted on start when it has grown. Deleting a topic drops
// its offsets in every group (a `{ "deletedTopic": name }` line), as Kafka does.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { JsonLinesLog } from './json-lines-log.ts';

interface OffsetLine {
  g: string;
  t: string;
  p: number;
  o: string;
  m: string | null;
}

type LogLine = OffsetLine | { deletedTopic: string };

export interface CommittedOffset {
  offset: bigint;
  metadata: string | null;
}

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: bigint;
  metadata: string | null;
}

export class OffsetStore {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();

  private constructor(private readonly log: JsonLinesLog<LogLine>) {}

  static async open(dataDir: string, fsync: boolean, logger: Logger): Promise<OffsetStore> {
    const { log, records } = await JsonLinesLog.open<LogLine>(join(dataDir, 'offsets.jsonl'), fsync, logger);
    const store = new OffsetStore(log);
    for (const r of records) {
      if ('deletedTopic' in r) store.forget(r.deletedTopic);
      else store.set(r.g, { topic: r.t, partition: r.p, offset: BigInt(r.o), metadata: r.m });
    }
    const live = store.lines();
    if (records.length > live.length * 2 + 64) await log.rewrite(live);
    return store;
  }

  private set(group: string, e: OffsetCommitEntry): void {
    let topics = this.groups.get(group);
    if (!topics) this.groups.set(group, (topics = new Map()));
    let parts = topics.get(e.topic);
    if (!parts) topics.set(e.topic, (parts = new Map()));
    parts.set(e.partition, { offset: e.offset, metadata: e.metadata });
  }

  private lines(): OffsetLine[] {
    const out: OffsetLine[] = [];
    for (const [g, topics] of this.groups)
      for (const [t, parts] of topics)
        for (const [p, c] of parts) out.push({ g, t, p, o: c.offset.toString(), m: c.metadata });
    return out;
  }

  /** Store durably (per the fsync policy), then apply. */
  async commit(group: string, entries: readonly OffsetCommitEntry[]): Promise<void> {
    await this.log.append(
      entries.map((e) => ({ g: group, t: e.topic, p: e.partition, o: e.offset.toString(), m: e.metadata })),
    );
    for (const e of entries) this.set(group, e);
  }

  private forget(topic: string): void {
    for (const topics of this.groups.values()) topics.delete(topic);
  }

  /** Drop every group's offsets for a deleted topic. */
  async deleteTopic(topic: string): Promise<void> {
    await this.log.append([{ deletedTopic: topic }]);
    this.forget(topic);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** topic -> partitions with a committed offset, for OffsetFetch with topics = null */
  topicsOf(group: string): Map<string, Map<number, CommittedOffset>> {
    return this.groups.get(group) ?? new Map();
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
