// A partition whose segment file cannot be written: the broker must refuse the produce with
// KAFKA_STORAGE_ERROR (kafkajs: "Disk error ..."), keep that partition read-only, and keep
// serving the other partitions. The failure is real, not mocked: the segment file is replaced by
// a symlink to /dev/full, where every write fails with ENOSPC (a full disk).
import { symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestBroker } from './helpers/in-process-broker.ts';
import { createKafka, createProducer } from './helpers/kafka-client.ts';
import { readAll } from './helpers/read-all.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** The error and its causes, as one string (kafkajs wraps protocol errors in retry errors). */
function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as { message?: string; type?: string; cause?: unknown; originalError?: unknown } | undefined; e && parts.length < 5;) {
    parts.push(`${e.type ?? ''} ${e.message ?? String(e)}`);
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return parts.join(' <- ');
}

describe.runIf(process.platform === 'linux')('a partition whose segment file cannot be written', () => {
  it('answers KAFKA_STORAGE_ERROR, stays read-only, and leaves other partitions writable', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    const topic = 'disk-full';
    // First run: create the topic (and its segment files) the normal way.
    const first = await startTestBroker({ dataDir: dir.path });
    cleanups.push(() => first.close({ removeData: false }));
    const admin = createKafka(first.address).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true }).finally(() => admin.disconnect());
    await first.close({ removeData: false });

    // Partition 0's segment now points at a device where every write fails with ENOSPC.
    const segment = join(dir.path, 'logs', `${topic}-0.log`);
    await unlink(segment);
    await symlink('/dev/full', segment);
    const logLines: string[] = [];
    const broker = await startTestBroker({ dataDir: dir.path, logLines });
    cleanups.push(() => broker.close({ removeData: false }));
    const kafka = createKafka(broker.address);
    const producer = createProducer(kafka, { retry: { retries: 0 } });
    await producer.connect();
    cleanups.push(() => producer.disconnect());

    for (let attempt = 0; attempt < 2; attempt++) {
      const failure = await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: `lost-${attempt}` }] }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(failure, `attempt ${attempt} must fail`).not.toBeNull();
      expect(describeError(failure)).toMatch(/KAFKA_STORAGE_ERROR|Disk error/);
    }
    // Logged once, when the partition turned read-only; the second refusal needed no write.
    const readOnlyLines = logLines.filter((l) => l.includes('partition is now read-only'));
    expect(readOnlyLines).toHaveLength(1);
    expect(readOnlyLines[0]).toContain('ENOSPC');

    const [ok] = await producer.send({ topic, acks: -1, messages: [{ partition: 1, value: 'kept' }] });
    expect(ok).toMatchObject({ partition: 1, errorCode: 0, baseOffset: '0' });
    const consumed = await readAll(kafka, topic);
    expect(consumed.map((m) => [m.partition, m.value])).toEqual([[1, 'kept']]);
  });
});
