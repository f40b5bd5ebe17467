// OffsetCommit 2-5 and OffsetFetch 1-4. Commits are checked by the group coordinator and stored
// durably before the reply; unknown offsets read back as -1 with empty metadata.
import type { BrokerContext } from '../broker-context.ts';
import { ErrorCode } from '../protocol/api.ts';
import { Writer } from '../protocol/writer.ts';
import type { OffsetCommitEntry } from '../storage/offset-store.ts';
import type { KafkaRequest } from '../server/request.ts';

export async function handleOffsetCommit(ctx: BrokerContext, req: KafkaRequest): Promise<Buffer[]> {
  const v = req.apiVersion;
  const r = req.body;
  const groupId = r.string();
  const generation = r.int32();
  const memberId = r.string();
  if (v <= 4) r.int64(); // retention time: offsets are kept forever here
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ partition: r.int32(), offset: r.int64(), metadata: r.nullableString() })),
  }));
  const groupError = ctx.groups.checkCommit(groupId, generation, memberId);
  const errors = new Map<string, number>();
  const entries: OffsetCommitEntry[] = [];
  for (const t of topics) {
    const topic = ctx.topics.get(t.name);
    for (const p of t.partitions) {
      let error: number = groupError;
      if (!error && !topic?.partitions[p.partition]) error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (!error) entries.push({ topic: t.name, partition: p.partition, offset: p.offset, metadata: p.metadata });
      errors.set(`${t.name}\u0000${p.partition}`, error);
    }
  }
  let storeError = 0;
  if (entries.length > 0) {
    await ctx.offsets.commit(groupId, entries).catch((err: unknown) => {
      ctx.logger.error({ err, group: groupId }, 'storing committed offsets failed');
      storeError = ErrorCode.UNKNOWN_SERVER_ERROR;
    });
  }
  const w = new Writer();
  if (v >= 3) w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p.partition).int16(errors.get(`${t.name}\u0000${p.partition}`) || storeError));
  });
  return w.finish();
}

export function handleOffsetFetch(ctx: BrokerContext, req: KafkaRequest): Buffer[] {
  const v = req.apiVersion;
  const r = req.body;
  const groupId = r.string();
  const asked = r.nullableArray((r) => ({ name: r.string(), partitions: r.array((r) => r.int32()) }));
  const topics =
    asked ??
    [...ctx.offsets.topicsOf(groupId)].map(([name, parts]) => ({ name, partitions: [...parts.keys()] }));
  const w = new Writer();
  if (v >= 3) w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      const c = ctx.offsets.get(groupId, t.name, p);
      w.int32(p).int64(c?.offset ?? -1n).nullableString(c?.metadata ?? '').int16(0);
    });
  });
  if (v >= 2) w.int16(0);
  return w.finish();
}
