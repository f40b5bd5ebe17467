// Metadata 1-6: this node is the only broker, the controller and every partition's leader.
// Topics asked for by name are auto-created when the broker and the request allow it.
import type { BrokerContext } from '../broker-context.ts';
import { ErrorCode } from '../protocol/api.ts';
import { Writer } from '../protocol/writer.ts';
import { isValidTopicName, type Topic } from '../storage/topic-registry.ts';
import type { KafkaRequest } from '../server/request.ts';

interface TopicAnswer {
  name: string;
  error: number;
  partitions: number;
}

export async function handleMetadata(ctx: BrokerContext, req: KafkaRequest): Promise<Buffer[]> {
  const v = req.apiVersion;
  const r = req.body;
  const requested = r.nullableArray((r) => r.string());
  const allowAuto = v >= 4 ? r.bool() : true;

  let answers: TopicAnswer[];
  if (requested === null) {
    answers = [...ctx.topics.topics.values()].map((t) => ({ name: t.name, error: 0, partitions: t.partitions.length }));
  } else {
    answers = await Promise.all(
      requested.map(async (name): Promise<TopicAnswer> => {
        let topic: Topic | undefined = ctx.topics.get(name);
        if (!topic && allowAuto && ctx.config.autoCreateTopics) {
          if (!isValidTopicName(name)) return { name, error: ErrorCode.INVALID_TOPIC_EXCEPTION, partitions: 0 };
          topic = await ctx.topics.create(name, ctx.config.defaultPartitions);
        }
        return topic
          ? { name, error: 0, partitions: topic.partitions.length }
          : { name, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: 0 };
      }),
    );
  }

  const { nodeId, host, port, clusterId } = ctx.config;
  const w = new Writer(512);
  if (v >= 3) w.int32(0);
  w.array([0], (w) => w.int32(nodeId).string(host).int32(port).nullableString(null));
  if (v >= 2) w.nullableString(clusterId);
  w.int32(nodeId);
  w.array(answers, (w, t) => {
    w.int16(t.error).string(t.name).bool(false);
    w.int32(t.partitions);
    for (let p = 0; p < t.partitions; p++) {
      w.int16(0).int32(p).int32(nodeId);
      w.int32(1).int32(nodeId); // replicas
      w.int32(1).int32(nodeId); // isr
      if (v >= 5) w.int32(0); // offline replicas
    }
  });
  return w.finish();
}
