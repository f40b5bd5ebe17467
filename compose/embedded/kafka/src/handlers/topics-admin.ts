// CreateTopics 0-3 and DeleteTopics 0-1. One node: replication factor must be -1 or 1.
import type { BrokerContext } from '../broker-context.ts';
import { ErrorCode } from '../protocol/api.ts';
import { Writer } from '../protocol/writer.ts';
import { isValidTopicName } from '../storage/topic-registry.ts';
import type { KafkaRequest } from '../server/request.ts';

const MAX_PARTITIONS = 10_000;

interface CreateAnswer {
  name: string;
  error: number;
  message: string | null;
}

export async function handleCreateTopics(ctx: BrokerContext, req: KafkaRequest): Promise<Buffer[]> {
  const v = req.apiVersion;
  const r = req.body;
  const asked = r.array((r) => ({
    name: r.string(),
    partitions: r.int32(),
    replication: r.int16(),
    assignments: r.array((r) => ({ partition: r.int32(), brokers: r.array((r) => r.int32()) })),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  }));
  r.int32(); // timeout
  const validateOnly = v >= 1 ? r.bool() : false;

  const seen = new Set<string>();
  const answers = await Promise.all(
    asked.map(async (t): Promise<CreateAnswer> => {
      const fail = (error: number, message: string): CreateAnswer => ({ name: t.name, error, message });
      if (!isValidTopicName(t.name)) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `invalid topic name '${t.name}'`);
      if (seen.has(t.name)) return fail(ErrorCode.INVALID_REQUEST, `topic '${t.name}' listed twice`);
      seen.add(t.name);
      if (ctx.topics.get(t.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${t.name}' already exists`);
      const count = t.assignments.length > 0 ? t.assignments.length : t.partitions === -1 ? ctx.config.defaultPartitions : t.partitions;
      if (count < 1 || count > MAX_PARTITIONS) return fail(ErrorCode.INVALID_PARTITIONS, `invalid partition count ${t.partitions}`);
      if (t.replication !== -1 && t.replication !== 1 && t.assignments.length === 0) {
        return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor ${t.replication} > 1 on a single-node broker`);
      }
      if (!validateOnly) await ctx.topics.create(t.name, count);
      return { name: t.name, error: 0, message: null };
    }),
  );

  const w = new Writer();
  if (v >= 2) w.int32(0);
  w.array(answers, (w, a) => {
    w.string(a.name).int16(a.error);
    if (v >= 1) w.nullableString(a.message);
  });
  return w.finish();
}

export async function handleDeleteTopics(ctx: BrokerContext, req: KafkaRequest): Promise<Buffer[]> {
  const r = req.body;
  const names = r.array((r) => r.string());
  r.int32(); // timeout
  const answers: { name: string; error: number }[] = [];
  for (const name of names) {
    const deleted = await ctx.topics.delete(name);
    if (deleted) await ctx.offsets.deleteTopic(name);
    answers.push({ name, error: deleted ? 0 : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
  }
  const w = new Writer();
  if (req.apiVersion >= 1) w.int32(0);
  w.array(answers, (w, a) => w.string(a.name).int16(a.error));
  return w.finish();
}
