// Produce 3-7. Batches are appended as received (offsets rewritten in place) and are in the
// file (page cache) before the handler returns. So acks=1, and acks=-1 with fsync 'never', are
// answered synchronously, like Kafka's leader does; acks=-1 with fsync 'always' waits for the
// shared fsync of every partition it wrote. acks=0 gets no reply at all.
import type { BrokerContext } from '../broker-context.ts';
import { ErrorCode } from '../protocol/api.ts';
import { splitProducedBatches } from '../protocol/record-batch.ts';
import { Writer } from '../protocol/writer.ts';
import type { PartitionLog } from '../storage/partition-log.ts';
import type { KafkaRequest } from '../server/request.ts';

interface PartitionAnswer {
  partition: number;
  error: number;
  baseOffset: bigint;
}

interface TopicAnswer {
  name: string;
  partitions: PartitionAnswer[];
}

export function handleProduce(ctx: BrokerContext, req: KafkaRequest): Buffer[] | null | Promise<Buffer[] | null> {
  const r = req.body;
  const transactional = r.nullableString() !== null;
  const acks = r.int16();
  r.int32(); // timeout: appends never wait on replicas here
  const written: PartitionLog[] = [];
  // Inline callbacks on purpose: named per-request closures cost a defineProperty each under tsx.
  const topics = r.array((r): TopicAnswer => {
    const name = r.string();
    const topic = ctx.topics.get(name);
    const partitions = r.array((r) => {
      const partition = r.int32();
      const records = r.nullableBytes();
      return append(ctx, { name, partition, log: topic?.partitions[partition], records, transactional }, written);
    });
    return { name, partitions };
  });

  if (acks === 0) return null;
  if (acks !== -1 || !ctx.config.fsyncAlways || written.length === 0) return encode(topics, req.apiVersion, false);
  const synced = written.length === 1 ? written[0]!.sync() : Promise.all(written.map((log) => log.sync()));
  return synced.then(
    () => encode(topics, req.apiVersion, false),
    () => encode(topics, req.apiVersion, true),
  );
}

interface PartitionInput {
  name: string;
  partition: number;
  log: PartitionLog | undefined;
  records: Buffer | null;
  transactional: boolean;
}

/** Validate and append one partition's records; adds the log to `written` on success. */
function append(ctx: BrokerContext, p: PartitionInput, written: PartitionLog[]): PartitionAnswer {
  const { log, records } = p;
  if (!log || log.isClosed) return refuse(ctx, p, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'produce to unknown topic/partition');
  if (log.writeError) return refuse(ctx, p, ErrorCode.KAFKA_STORAGE_ERROR, 'partition is read-only after a write error');
  if (p.transactional) return refuse(ctx, p, ErrorCode.INVALID_RECORD, 'transactional produce refused');
  if (!records || records.length === 0) return refuse(ctx, p, ErrorCode.CORRUPT_MESSAGE, 'produce without records');
  if (records.length > ctx.config.maxMessageBytes) return refuse(ctx, p, ErrorCode.MESSAGE_TOO_LARGE, 'records too large');
  const split = splitProducedBatches(records, ctx.config.verifyCrcOnProduce);
  if (!split.ok) return refuse(ctx, p, split.error, split.message);
  let baseOffset: bigint;
  try {
    baseOffset = log.append(split.batches);
  } catch {
    return refuse(ctx, p, ErrorCode.KAFKA_STORAGE_ERROR, 'partition log write failed'); // the log logged why
  }
  if (!written.includes(log)) written.push(log);
  return { partition: p.partition, error: 0, baseOffset };
}

function refuse(ctx: BrokerContext, p: PartitionInput, error: number, message: string): PartitionAnswer {
  ctx.logger.debug({ topic: p.name, partition: p.partition, error }, message);
  return { partition: p.partition, error, baseOffset: -1n };
}

/** storageError: the fsync failed, so nothing written by this request is acknowledged. */
function encode(topics: TopicAnswer[], version: number, storageError: boolean): Buffer[] {
  const w = new Writer(16 + topics.length * 64);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      const error = storageError && p.error === 0 ? ErrorCode.KAFKA_STORAGE_ERROR : p.error;
      w.int32(p.partition).int16(error).int64(error === 0 ? p.baseOffset : -1n).int64(-1n);
      if (version >= 5) w.int64(0n);
    });
  });
  w.int32(0);
  return w.finish();
}
