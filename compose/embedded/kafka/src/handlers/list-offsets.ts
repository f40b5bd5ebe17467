// ListOffsets 1-3: -2 earliest, -1 latest (the high watermark), otherwise the first record whose
// timestamp is >= the one asked for (offset -1 when there is none, as Kafka does).
import type { BrokerContext } from '../broker-context.ts';
import { ErrorCode } from '../protocol/api.ts';
import { Writer } from '../protocol/writer.ts';
import type { KafkaRequest } from '../server/request.ts';

interface Answer {
  partition: number;
  error: number;
  timestamp: bigint;
  offset: bigint;
}

export async function handleListOffsets(ctx: BrokerContext, req: KafkaRequest): Promise<Buffer[]> {
  const r = req.body;
  r.int32(); // replica id
  if (req.apiVersion >= 2) r.int8(); // isolation level
  const asked = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ partition: r.int32(), timestamp: r.int64() })),
  }));
  const topics = await Promise.all(
    asked.map(async (t) => {
      const topic = ctx.topics.get(t.name);
      const partitions = await Promise.all(
        t.partitions.map(async ({ partition, timestamp }): Promise<Answer> => {
          const log = topic?.partitions[partition];
          if (!log) return { partition, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1n, offset: -1n };
          if (timestamp === -2n) return { partition, error: 0, timestamp: -1n, offset: log.logStartOffset };
          if (timestamp === -1n) return { partition, error: 0, timestamp: -1n, offset: log.highWatermark };
          const found = await log.offsetForTimestamp(timestamp);
          return { partition, error: 0, timestamp: found?.timestamp ?? -1n, offset: found?.offset ?? -1n };
        }),
      );
      return { name: t.name, partitions };
    }),
  );
  const w = new Writer();
  if (req.apiVersion >= 2) w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p.partition).int16(p.error).int64(p.timestamp).int64(p.offset));
  });
  return w.finish();
}
