// What survives a restart: a graceful stop, a SIGKILL in the middle of acks=-1 traffic, and a
// segment file with a torn tail. Every check reads back through kafkajs, never through src/.
import { appendFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { spawnChildBroker } from './helpers/child-broker.ts';
import type { ChildBroker } from './helpers/child-broker.ts';
import { startTestBroker } from './helpers/in-process-broker.ts';
import type { TestBroker } from './helpers/in-process-broker.ts';
import { createConsumer, createKafka, createProducer } from './helpers/kafka-client.ts';
import { readAll } from './helpers/read-all.ts';
import { makeTempDir } from './helpers/temp-dir.ts';
import type { TempDir } from './helpers/temp-dir.ts';
import { waitFor, withTimeout } from './helpers/wait.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function tempDir(): Promise<TempDir> {
  const dir = await makeTempDir();
  cleanups.push(() => dir.remove());
  return dir;
}

async function inProcess(dataDir: string, logLines?: string[]): Promise<TestBroker> {
  const broker = await startTestBroker({ dataDir, logLines });
  cleanups.push(() => broker.close());
  return broker;
}

async function child(dataDir: string): Promise<ChildBroker> {
  const broker = await spawnChildBroker({ dataDir, fsync: 'always' });
  cleanups.push(() => broker.kill());
  return broker;
}

async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true }).finally(() => admin.disconnect());
}

async function committedOffsets(kafka: Kafka, groupId: string, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  const [result] = await admin.fetchOffsets({ groupId, topics: [topic] }).finally(() => admin.disconnect());
  return result!.partitions.map(({ partition, offset }) => ({ partition, offset })).sort((a, b) => a.partition - b.partition);
}

/**
 * Joins `groupId` with a real kafkajs member, waits until it has fetched from every partition,
 * and commits `offsetOf(partition)` for each. (admin.setOffsets would do, but kafkajs makes it
 * wait out a full fetch max-wait on a paused topic: 5 s of nothing.)
 */
async function commitAsMember(kafka: Kafka, groupId: string, topic: string, partitions: number[], offsetOf: (p: number) => number) {
  const consumer = createConsumer(kafka, { groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const consumed = new Set<number>();
    await consumer.run({ autoCommit: false, eachMessage: async ({ partition }) => void consumed.add(partition) });
    await waitFor('the member to consume from every partition', () => consumed.size === partitions.length, { timeoutMs: 20_000 });
    await consumer.commitOffsets(partitions.map((partition) => ({ topic, partition, offset: String(offsetOf(partition)) })));
  } finally {
    await consumer.disconnect();
  }
}

describe('graceful restart on the same data dir', () => {
  it('keeps every message (offsets, keys, values, headers) and the committed offsets', async () => {
    const dir = await tempDir();
    const topic = 'durable-orders';
    const groupId = 'durable-group';
    const first = await inProcess(dir.path);
    let kafka = createKafka(first.address);
    await createTopic(kafka, topic, 3);

    const producer = createProducer(kafka);
    await producer.connect();
    for (let round = 0; round < 3; round++) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 20 }, (_, i) => ({
          key: i % 5 === 0 ? null : `order-${i}`, // null keys must survive as null
          value: `round-${round}-msg-${i}`,
          headers: { traceparent: `00-${round}-${i}`, 'content-type': 'application/json' },
        })),
      });
    }
    await producer.disconnect();

    // Commit a different, known offset per partition through a real group member.
    await commitAsMember(kafka, groupId, topic, [0, 1, 2], (partition) => partition + 2);

    const before = await readAll(kafka, topic);
    const offsetsBefore = await committedOffsets(kafka, groupId, topic);
    expect(before).toHaveLength(60);
    expect(before.find((m) => m.value === 'round-1-msg-0')).toMatchObject({ key: null, headers: { traceparent: '00-1-0' } });
    expect(offsetsBefore).toEqual([0, 1, 2].map((partition) => ({ partition, offset: String(partition + 2) })));

    await first.close({ removeData: false });
    const second = await inProcess(dir.path);
    kafka = createKafka(second.address);

    expect(await readAll(kafka, topic)).toEqual(before);
    expect(await committedOffsets(kafka, groupId, topic)).toEqual(offsetsBefore);

    // The log continues after the restored end, not from 0.
    const again = createProducer(kafka);
    await again.connect();
    const [ack] = await again.send({ topic, acks: -1, messages: [{ key: 'k', value: 'after-restart', partition: 0 }] });
    await again.disconnect();
    const endOfPartition0 = before.filter((m) => m.partition === 0).length;
    expect(ack).toMatchObject({ partition: 0, baseOffset: String(endOfPartition0) });
    await second.close({ removeData: false });
  });
});

describe('crash (SIGKILL) of a broker process while acks=-1 produces are in flight', () => {
  it('still has every acknowledged message after a restart', async () => {
    const dir = await tempDir();
    const topic = 'crash-orders';
    const first = await child(dir.path);
    const kafka = createKafka(first.address);
    await createTopic(kafka, topic, 3);
    // A committed offset acknowledged before the crash must survive it too.
    const seed = createProducer(kafka);
    await seed.connect();
    await seed.send({ topic, acks: -1, messages: [0, 1, 2].flatMap((partition) => Array.from({ length: 5 }, () => ({ value: `seed-${partition}`, partition }))) });
    await seed.disconnect();
    await commitAsMember(kafka, 'crash-group', topic, [0, 1, 2], (partition) => partition + 1);

    // Two producers racing, no retries: a send either got its ack before the kill or failed.
    const acked = new Set<string>();
    let stop = false;
    const producers = [createProducer(kafka, { retry: { retries: 0 } }), createProducer(kafka, { retry: { retries: 0 } })];
    await Promise.all(producers.map((p) => p.connect()));
    const loops = producers.map(async (producer, id) => {
      for (let n = 0; n < 5_000 && !stop; n++) {
        const values = Array.from({ length: 10 }, (_, i) => `p${id}-${n}-${i}`);
        try {
          await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: value.slice(0, 6), value })) });
          values.forEach((v) => acked.add(v));
        } catch {
          return; // the broker is gone
        }
      }
    });

    await waitFor('some acknowledged traffic before the crash', () => acked.size >= 300, { timeoutMs: 20_000 });
    await first.kill();
    stop = true;
    await withTimeout('producer loops to end after the crash', Promise.all(loops), 20_000);
    await Promise.all(producers.map((p) => withTimeout('producer disconnect', p.disconnect(), 5_000).catch(() => undefined)));
    const ackedAtCrash = new Set(acked);

    const second = await child(dir.path);
    const stored = await readAll(createKafka(second.address), topic);
    const storedValues = new Set(stored.map((m) => m.value));
    const lost = [...ackedAtCrash].filter((value) => !storedValues.has(value));
    expect(lost).toEqual([]);
    expect(await committedOffsets(createKafka(second.address), 'crash-group', topic)).toEqual(
      [0, 1, 2].map((partition) => ({ partition, offset: String(partition + 1) })),
    );
    // Offsets per partition stay dense (0..n-1): recovery did not leave holes or duplicates.
    for (const partition of [0, 1, 2]) {
      const offsets = stored.filter((m) => m.partition === partition).map((m) => Number(m.offset));
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    await second.stop();
  });
});

/** Files under `dir` (recursively) whose name starts with `${topic}-${partition}` and are not empty. */
async function findSegmentFiles(dir: string, topic: string, partition: number): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.startsWith(`${topic}-${partition}`)) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await stat(path)).size > 0) found.push(path);
  }
  return found;
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('torn tail in a partition segment file', () => {
  it('is cut off on start: broker logs it, earlier messages intact, new produces work', async () => {
    const dir = await tempDir();
    const topic = 'torn-orders';
    const first = await inProcess(dir.path);
    let kafka = createKafka(first.address);
    await createTopic(kafka, topic, 1);
    const producer = createProducer(kafka);
    await producer.connect();
    for (let i = 0; i < 4; i++) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, j) => ({ key: `k${j}`, value: `v-${i}-${j}` })) });
    }
    await producer.disconnect();
    const before = await readAll(kafka, topic);
    expect(before).toHaveLength(20);
    await first.close({ removeData: false });

    const segments = await findSegmentFiles(dir.path, topic, 0);
    expect(segments).toHaveLength(1);
    // A plausible start of a next batch (baseOffset 20, length 500) cut short, then junk.
    const torn = Buffer.alloc(40, 0xab);
    torn.writeBigInt64BE(20n, 0);
    torn.writeInt32BE(500, 8);
    await appendFile(segments[0]!, torn);

    const logLines: string[] = [];
    const second = await inProcess(dir.path, logLines);
    // At least one warning (or worse) that names the repaired file.
    const warnings = logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= 40);
    expect(warnings.some((line) => line.includes(basename(segments[0]!)))).toBe(true);

    kafka = createKafka(second.address);
    expect(await readAll(kafka, topic)).toEqual(before);
    const again = createProducer(kafka);
    await again.connect();
    const [ack] = await again.send({ topic, acks: -1, messages: [{ key: 'k', value: 'after-repair' }] });
    await again.disconnect();
    expect(ack).toMatchObject({ partition: 0, baseOffset: '20' });
    const after = await readAll(kafka, topic);
    expect(after).toHaveLength(21);
    expect(after.at(-1)).toMatchObject({ offset: '20', value: 'after-repair' });
  });

  it('survives a torn write at the end of every file in the data dir (segments, topic and offset logs)', async () => {
    const dir = await tempDir();
    const topic = 'torn-everywhere';
    const groupId = 'torn-group';
    const first = await inProcess(dir.path);
    let kafka = createKafka(first.address);
    await createTopic(kafka, topic, 2);
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 })),
    });
    await producer.disconnect();
    await commitAsMember(kafka, groupId, topic, [0, 1], (partition) => partition + 1);
    const before = await readAll(kafka, topic);
    const offsetsBefore = await committedOffsets(kafka, groupId, topic);
    await first.close({ removeData: false });

    // What a crash in the middle of any append leaves behind: half a JSON line / half a batch.
    const files = await allFiles(dir.path);
    expect(files.length).toBeGreaterThanOrEqual(3); // 2 segments + at least one metadata file
    for (const file of files) await appendFile(file, '{"torn":tr');

    const second = await inProcess(dir.path);
    kafka = createKafka(second.address);
    expect(await readAll(kafka, topic)).toEqual(before);
    expect(await committedOffsets(kafka, groupId, topic)).toEqual(offsetsBefore);
    const again = createProducer(kafka);
    await again.connect();
    const [ack] = await again.send({ topic, acks: -1, messages: [{ value: 'after', partition: 1 }] });
    await again.disconnect();
    expect(ack!.baseOffset).toBe(String(before.filter((m) => m.partition === 1).length));
  });
});
