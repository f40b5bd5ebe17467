// Topics and their partition logs. Topic creations/deletions go to a JSON-lines log replayed on
// start; each partition's batches live in <dataDir>/logs/<topic>-<partition>.log.
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { JsonLinesLog } from './json-lines-log.ts';
import { PartitionLog } from './partition-log.ts';

type TopicEvent = { op: 'create'; name: string; partitions: number } | { op: 'delete'; name: string };

export interface Topic {
  name: string;
  partitions: PartitionLog[];
}

export interface TopicRegistryOptions {
  dataDir: string;
  fsync: boolean;
  logger: Logger;
  cacheBytesPerPartition: number;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function isValidTopicName(name: string): boolean {
  return TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

export class TopicRegistry {
  readonly topics = new Map<string, Topic>();
  /** called whenever a partition gets data (fetch long-poll) */
  onAppend: (topic: string, partition: number) => void = () => undefined;
  private creating = new Map<string, Promise<Topic>>();

  private constructor(
    private readonly opts: TopicRegistryOptions,
    private readonly meta: JsonLinesLog<TopicEvent>,
    private readonly logsDir: string,
  ) {}

  static async open(opts: TopicRegistryOptions): Promise<TopicRegistry> {
    const logsDir = join(opts.dataDir, 'logs');
    await mkdir(logsDir, { recursive: true });
    const { log, records } = await JsonLinesLog.open<TopicEvent>(join(opts.dataDir, 'topics.jsonl'), opts.fsync, opts.logger);
    const reg = new TopicRegistry(opts, log, logsDir);
    const live = new Map<string, number>();
    for (const ev of records) {
      if (ev.op === 'create') live.set(ev.name, ev.partitions);
      else live.delete(ev.name);
    }
    for (const [name, count] of live) reg.topics.set(name, await reg.openTopic(name, count));
    if (records.length > live.size * 2 + 16) {
      await log.rewrite([...live].map(([name, partitions]) => ({ op: 'create' as const, name, partitions })));
    }
    return reg;
  }

  private partitionPath(name: string, p: number): string {
    return join(this.logsDir, `${name}-${p}.log`);
  }

  private async openTopic(name: string, count: number): Promise<Topic> {
    const partitions: PartitionLog[] = [];
    for (let p = 0; p < count; p++) {
      const log = await PartitionLog.open({
        path: this.partitionPath(name, p),
        logger: this.opts.logger,
        cacheBytes: this.opts.cacheBytesPerPartition,
      });
      log.onAppend = () => this.onAppend(name, p);
      partitions.push(log);
    }
    return { name, partitions };
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  /** Create a topic (concurrent calls for one name share the work). Caller validates. */
  create(name: string, partitions: number): Promise<Topic> {
    const existing = this.topics.get(name);
    if (existing) return Promise.resolve(existing);
    let pending = this.creating.get(name);
    if (!pending) {
      pending = (async () => {
        // Files left behind by a delete interrupted by a crash must not leak into the new topic.
        for (let p = 0; p < partitions; p++) await unlink(this.partitionPath(name, p)).catch(() => undefined);
        const topic = await this.openTopic(name, partitions);
        await this.meta.append([{ op: 'create', name, partitions }]);
        this.topics.set(name, topic);
        this.opts.logger.info({ topic: name, partitions }, 'topic created');
        return topic;
      })().finally(() => this.creating.delete(name));
      this.creating.set(name, pending);
    }
    return pending;
  }

  async delete(name: string): Promise<boolean> {
    const topic = this.topics.get(name);
    if (!topic) return false;
    this.topics.delete(name);
    await this.meta.append([{ op: 'delete', name }]);
    for (const [p, log] of topic.partitions.entries()) {
      await log.close(false);
      await unlink(this.partitionPath(name, p)).catch(() => undefined);
    }
    this.opts.logger.info({ topic: name }, 'topic deleted');
    return true;
  }

  async close(): Promise<void> {
    for (const t of this.topics.values()) for (const log of t.partitions) await log.close(this.opts.fsync);
    await this.meta.close();
  }
}
