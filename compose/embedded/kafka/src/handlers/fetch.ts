// Fetch 4-11 with long-poll: answer at once when min bytes are available (or on an error),
// otherwise wait for appends until max wait. Whole batches from the one containing the fetch
// offset; at least one batch for the first partition with data even above max bytes.
import type { BrokerContext } from '../broker-context.ts';
import { ErrorCode } from '../protocol/api.ts';
import { Writer } from '../protocol/writer.ts';
import type { PartitionLog } from '../storage/partition-log.ts';
import type { KafkaRequest } from '../server/request.ts';

interface FetchPartition {
  topic: string;
  partition: number;
  offset: bigint;
  maxBytes: number;
  log: PartitionLog | undefined;
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: { topic: string; partitions: FetchPartition[] }[];
}

function parse(ctx: BrokerContext, req: KafkaRequest): FetchRequest {
  const v = req.apiVersion;
  const r = req.body;
  r.int32(); // replica id
  const maxWaitMs = r.int32();
  const minBytes = r.int32();
  const maxBytes = r.int32();
  r.int8(); // isolation level: no transactions, so committed == everything
  if (v >= 7) {
    r.int32(); // session id: we always answer sessionless (0)
    r.int32(); // session epoch
  }
  const topics = r.array((r) => {
    const topic = r.string();
    const t = ctx.topics.get(topic);
    const partitions = r.array((r): FetchPartition => {
      const partition = r.int32();
      if (v >= 9) r.int32(); // current leader epoch
      const offset = r.int64();
      if (v >= 5) r.int64(); // log start offset (followers only)
      const maxBytes = r.int32();
      return { topic, partition, offset, maxBytes, log: t?.partitions[partition] };
    });
    return { topic, partitions };
  });
  if (v >= 7) r.array((r) => [r.string(), r.array((r) => r.int32())]); // forgotten topics
  if (v >= 11) r.string(); // rack id
  return { maxWaitMs, minBytes, maxBytes, topics };
}

function partitionError(p: FetchPartition): number {
  if (!p.log || p.log.isClosed) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (p.offset < p.log.logStartOffset || p.offset > p.log.highWatermark) return ErrorCode.OFFSET_OUT_OF_RANGE;
  return ErrorCode.NONE;
}

/** Bytes available now, or -1 when some partition has an error (answer at once). */
function available(f: FetchRequest): number {
  let total = 0;
  for (const t of f.topics) {
    for (const p of t.partitions) {
      if (partitionError(p) !== 0) return -1;
      total += Math.min(p.log!.bytesFrom(p.offset), p.maxBytes);
    }
  }
  return total;
}

async function encode(f: FetchRequest, version: number): Promise<Buffer[]> {
  // Error, watermark and data range are taken together, synchronously, so they agree.
  let budget = f.maxBytes;
  const answers = f.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p) => {
      const error = partitionError(p);
      if (error !== 0 || !p.log) {
        return { partition: p.partition, error, hw: -1n, logStart: -1n, data: [] as Buffer[] | Promise<Buffer[]> };
      }
      // Only the first partition that has data may exceed the limits (one whole batch).
      const range = p.log.readRange(p.offset, Math.min(p.maxBytes, Math.max(budget, 0)), budget === f.maxBytes);
      budget -= range.bytes;
      return { partition: p.partition, error, hw: p.log.highWatermark, logStart: p.log.logStartOffset, data: range.data };
    }),
  }));
  const data = await Promise.all(answers.flatMap((t) => t.partitions.map((p) => p.data)));
  const w = new Writer(256);
  w.int32(0); // throttle
  if (version >= 7) w.int16(0).int32(0); // error, session id
  let i = 0;
  w.array(answers, (w, t) => {
    w.string(t.topic);
    w.array(t.partitions, (w, p) => {
      w.int32(p.partition).int16(p.error).int64(p.hw).int64(p.hw); // last stable offset = HW
      if (version >= 5) w.int64(p.logStart);
      w.int32(-1); // aborted transactions: null
      if (version >= 11) w.int32(-1); // preferred read replica
      const chunks = data[i++]!;
      let len = 0;
      for (const c of chunks) len += c.length;
      w.int32(len).raw(chunks);
    });
  });
  return w.finish();
}

export function handleFetch(ctx: BrokerContext, req: KafkaRequest): Promise<Buffer[] | null> {
  const f = parse(ctx, req);
  const now = available(f);
  // While group members on these topics must rejoin, poll briefly so they reach a heartbeat.
  const rejoin = ctx.groups.rejoinTopics();
  const hurried = rejoin !== null && f.topics.some((t) => rejoin.has(t.topic));
  const maxWaitMs = hurried ? Math.min(f.maxWaitMs, 100) : f.maxWaitMs;
  if (now < 0 || now >= f.minBytes || maxWaitMs <= 0) return encode(f, req.apiVersion);
  return new Promise<Buffer[] | null>((resolve, reject) => {
    const partitions = f.topics.flatMap((t) => t.partitions);
    const stop = (): void => {
      clearTimeout(timer);
      unwatch();
    };
    const finish = (): void => {
      stop();
      encode(f, req.apiVersion).then(resolve, reject);
    };
    const timer = setTimeout(finish, maxWaitMs);
    // On broker shutdown: drop the wait without answering (the connection is going away).
    const unwatch = ctx.fetchWaiters.watch(
      partitions,
      () => {
        const avail = available(f);
        if (avail < 0 || avail >= f.minBytes) finish();
      },
      () => {
        stop();
        resolve(null);
      },
      finish,
    );
  });
}
