// Produce 3-7. Batches are appended as received (offsets rewritten in place); the reply waits
// for the file write (acks=1) or the write plus a shared fsync (acks=-1 with fsync 'always').
// acks=0 gets no reply at all.
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

export function handleProduce(ctx: BrokerContext, req: KafkaRequest): Buffer[] | null | Promise<Buffer[] | null> {
  const r = req.body;
  const transactionalId = r.nullableString();
  const acks = r.int16();
  r.int32(); // timeout: appends never wait on replicas here
  const waits: Promise<void>[] = [];
  const touched = new Set<PartitionLog>();
  const topics = r.array((r) => {
    const name = r.string();
    const topic = ctx.topics.get(name);
    const partitions = r.array((r): PartitionAnswer => {
      const partition = r.int32();
      const records = r.nullableBytes();
      const fail = (error: number, message: string): PartitionAnswer => {
        ctx.logger.debug({ topic: name, partition, error }, message);
        return { partition, error, baseOffset: -1n };
      };
      const log = topic?.partitions[partition];
      if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'produce to unknown topic/partition');
      if (log.writeError) return fail(ErrorCode.KAFKA_STORAGE_ERROR, 'partition is read-only after a write error');
      if (transactionalId !== null) return fail(ErrorCode.INVALID_RECORD, 'transactional produce refused');
      if (!records || records.length === 0) return fail(ErrorCode.CORRUPT_MESSAGE, 'produce without records');
      if (records.length > ctx.config.maxMessageBytes) return fail(ErrorCode.MESSAGE_TOO_LARGE, 'records too large');
      const split = splitProducedBatches(records, ctx.config.verifyCrcOnProduce);
      if (!split.ok) return fail(split.error, split.message);
      const { baseOffset, written } = log.append(split.batches);
      waits.push(written);
      touched.add(log);
      return { partition, error: 0, baseOffset };
    });
    return { name, partitions };
  });

  if (acks === 0) {
    // Nobody is waiting; still surface write failures in the log.
    for (const w of waits) w.catch(() => undefined);
    return null;
  }

  const encode = (storageError: boolean): Buffer[] => {
    const w = new Writer(64 + topics.length * 64);
    w.array(topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => {
        const error = storageError && p.error === 0 ? ErrorCode.KAFKA_STORAGE_ERROR : p.error;
        w.int32(p.partition).int16(error).int64(error === 0 ? p.baseOffset : -1n).int64(-1n);
        if (req.apiVersion >= 5) w.int64(0n);
      });
    });
    w.int32(0);
    return w.finish();
  };

  if (waits.length === 0) return encode(false);
  const durable = async (): Promise<void> => {
    await Promise.all(waits);
    if (acks === -1 && ctx.config.fsyncAlways) await Promise.all([...touched].map((log) => log.sync()));
  };
  return durable().then(
    () => encode(false),
    () => encode(true),
  );
}
