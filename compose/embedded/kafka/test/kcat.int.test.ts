// librdkafka (through kcat) is a second client that no one here wrote: metadata, produce, consume
// with CRC checks, and its balanced consumer group, cross-checked against kafkajs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignerProtocol, CompressionTypes } from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import { startTestBroker } from './helpers/in-process-broker.ts';
import type { TestBroker } from './helpers/in-process-broker.ts';
import { createKafka, createProducer } from './helpers/kafka-client.ts';
import { kcatAvailable, runKcat, spawnKcat } from './helpers/kcat.ts';
import type { KcatStream } from './helpers/kcat.ts';
import { readAll } from './helpers/read-all.ts';
import { waitFor } from './helpers/wait.ts';

const hasKcat = kcatAvailable();
if (!hasKcat) console.warn('kcat is not on PATH: skipping the librdkafka interop tests (apt-get install kcat)');

describe.skipIf(!hasKcat)('kcat (librdkafka 2.x) against the broker', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  const streams: KcatStream[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = createKafka(broker.address);
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(streams.map((s) => s.stop()));
    await admin?.disconnect();
    await broker?.close();
  });

  const createTopic = (topic: string, numPartitions: number) =>
    admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });

  it('kcat -L -J lists the broker, topics and partitions', async () => {
    await createTopic('kcat-meta', 3);
    const result = await runKcat(['-b', broker.address, '-L', '-J', '-m', '5']);
    expect(result).toMatchObject({ code: 0, timedOut: false });
    const metadata = JSON.parse(result.stdout) as {
      brokers: Array<{ id: number; name: string }>;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }> }> }>;
    };
    expect(metadata.brokers).toEqual([{ id: expect.any(Number), name: broker.address }]);
    const brokerId = metadata.brokers[0]!.id;
    const topic = metadata.topics.find((t) => t.topic === 'kcat-meta');
    expect(topic?.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    for (const partition of topic!.partitions) {
      expect(partition.leader).toBe(brokerId);
      expect(partition.replicas).toEqual([{ id: brokerId }]);
    }
  });

  it('kcat -P produces keyed messages that kafkajs consumes', async () => {
    const topic = 'kcat-to-kafkajs';
    await createTopic(topic, 2);
    const lines = Array.from({ length: 40 }, (_, i) => `key-${i % 7}:value-${i}`);
    const result = await runKcat(['-b', broker.address, '-P', '-t', topic, '-K:', '-X', 'acks=all'], {
      input: lines.join('\n') + '\n',
    });
    expect(result).toMatchObject({ code: 0, timedOut: false });

    const stored = await readAll(kafka, topic);
    expect(stored.map((m) => `${m.key}:${m.value}`).sort()).toEqual([...lines].sort());
    // librdkafka's partitioner hashes the key: one key always lands on one partition.
    const partitionsByKey = new Map<string, Set<number>>();
    for (const m of stored) partitionsByKey.set(m.key!, (partitionsByKey.get(m.key!) ?? new Set()).add(m.partition));
    for (const partitions of partitionsByKey.values()) expect(partitions.size).toBe(1);
    // Within a partition the producer's order is kept.
    for (const partition of [0, 1]) {
      const values = stored.filter((m) => m.partition === partition).map((m) => Number(m.value!.split('-')[1]));
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('kcat -C with check.crcs=true reads back what kafkajs produced, gzip batches included', async () => {
    const topic = 'kafkajs-to-kcat';
    await createTopic(topic, 3);
    const producer = createProducer(kafka);
    await producer.connect();
    const expected: string[] = [];
    for (const compression of [CompressionTypes.None, CompressionTypes.GZIP]) {
      const messages = Array.from({ length: 25 }, (_, i) => ({
        key: `c${compression}-k${i}`,
        value: `c${compression}-v${i}-${'x'.repeat(i * 10)}`,
        headers: { source: 'kafkajs' },
      }));
      await producer.send({ topic, acks: -1, compression, messages });
      expected.push(...messages.map((m) => `${m.key}|${m.value}|source=kafkajs`));
    }
    await producer.disconnect();

    const result = await runKcat([
      '-b', broker.address, '-C', '-t', topic, '-e', '-o', 'beginning', '-q',
      '-X', 'check.crcs=true',
      '-f', '%p|%o|%k|%s|%h\n',
    ]);
    expect(result).toMatchObject({ code: 0, timedOut: false });
    expect(result.stderr).not.toMatch(/crc|error/i);
    const rows = result.stdout.trim().split('\n').map((line) => line.split('|'));
    expect(rows.map(([, , key, value, headers]) => `${key}|${value}|${headers}`).sort()).toEqual(expected.sort());
    // Offsets are dense per partition, as kafkajs's acks reported them.
    for (const partition of ['0', '1', '2']) {
      const offsets = rows.filter(([p]) => p === partition).map(([, offset]) => Number(offset));
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it('kcat -G (balanced consumer group) receives messages and commits on close', async () => {
    const topic = 'kcat-group-topic';
    const groupId = 'kcat-group';
    await createTopic(topic, 3);
    const producer = createProducer(kafka);
    await producer.connect();
    const send = (from: number, count: number) =>
      producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `g-${from + i}` })),
      });
    await send(0, 20);

    const member = spawnKcat([
      '-b', broker.address, '-G', groupId, topic, '-q', '-u', // -u: line by line, not block-buffered into the pipe
      '-X', 'auto.offset.reset=earliest',
      '-X', 'session.timeout.ms=6000',
      '-f', '%k=%s\n',
    ]);
    streams.push(member);
    await waitFor('kcat -G to receive the first 20 messages', () => member.lines.length >= 20, { timeoutMs: 30_000 });
    await send(20, 10); // delivered live to the joined member
    await waitFor('kcat -G to receive all 30 messages', () => member.lines.length >= 30, { timeoutMs: 20_000 });
    await producer.disconnect();
    expect(member.lines.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `k${i}=g-${i}`).sort());

    const [group] = (await admin.describeGroups([groupId])).groups;
    expect(group).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
    expect(group!.members).toHaveLength(1);

    await member.stop(); // SIGTERM: librdkafka commits its offsets and leaves the group
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed!.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(30);
  });

  it('two kcat -G members split the partitions between them (librdkafka assignor, our coordinator)', async () => {
    const topic = 'kcat-two-members';
    const groupId = 'kcat-pair';
    await createTopic(topic, 3);
    const startMember = () => {
      const member = spawnKcat([
        '-b', broker.address, '-G', groupId, topic, '-q', '-u',
        '-X', 'auto.offset.reset=earliest',
        '-X', 'session.timeout.ms=6000',
        '-f', '%p:%s\n',
      ]);
      streams.push(member);
      return member;
    };
    const describeGroup = async () => (await admin.describeGroups([groupId])).groups[0]!;
    const first = startMember();
    await waitFor('the first kcat member to join', async () => (await describeGroup()).state === 'Stable', { timeoutMs: 20_000 });
    const second = startMember();
    await waitFor(
      'both kcat members in a stable group',
      async () => {
        const group = await describeGroup();
        return group.state === 'Stable' && group.members.length === 2;
      },
      { timeoutMs: 20_000 },
    );

    // The leader's (librdkafka's) assignment, as stored and served by the coordinator.
    const owned = (await describeGroup()).members.map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? []);
    expect(owned.flat().sort()).toEqual([0, 1, 2]);
    expect(owned.every((partitions) => partitions.length > 0)).toBe(true);

    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 60 }, (_, i) => ({ value: `pair-${i}`, partition: i % 3 })),
    });
    await producer.disconnect();
    await waitFor('60 messages across both members', () => first.lines.length + second.lines.length >= 60, { timeoutMs: 20_000 });

    const all = [...first.lines, ...second.lines];
    expect(all.map((line) => line.split(':')[1]).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `pair-${i}`).sort());
    const partitionsOf = (lines: string[]) => new Set(lines.map((line) => line.split(':')[0]));
    const [a, b] = [partitionsOf(first.lines), partitionsOf(second.lines)];
    expect(a.size).toBeGreaterThan(0);
    expect(b.size).toBeGreaterThan(0);
    expect([...a].filter((p) => b.has(p))).toEqual([]); // no partition consumed by both
  });

  it('librdkafka-compressed batches (gzip, snappy, lz4) are stored untouched and read back CRC-checked', async () => {
    const topic = 'kcat-compressed';
    await createTopic(topic, 1);
    const expected: string[] = [];
    for (const codec of ['gzip', 'snappy', 'lz4']) {
      const lines = Array.from({ length: 30 }, (_, i) => `${codec}-${i}:${codec} value ${i} ${'z'.repeat(50)}`);
      const result = await runKcat(['-b', broker.address, '-P', '-t', topic, '-p', '0', '-K:', '-z', codec], { input: lines.join('\n') + '\n' });
      expect(result).toMatchObject({ code: 0, timedOut: false });
      expected.push(...lines);
    }
    const read = await runKcat([
      '-b', broker.address, '-C', '-t', topic, '-e', '-o', 'beginning', '-q', '-X', 'check.crcs=true', '-f', '%o|%k:%s\n',
    ]);
    expect(read).toMatchObject({ code: 0, timedOut: false });
    expect(read.stderr).not.toMatch(/crc|error/i);
    const rows = read.stdout.trim().split('\n');
    expect(rows.map((row) => row.split('|')[1])).toEqual(expected); // one partition: producer order
    expect(rows.map((row) => Number(row.split('|')[0]))).toEqual(expected.map((_, i) => i));
    // kafkajs decodes gzip natively: the gzip batch must read back through it as well.
    const viaKafkajs = await readAll(kafka, topic);
    expect(viaKafkajs.filter((m) => m.key?.startsWith('gzip-')).map((m) => `${m.key}:${m.value}`)).toEqual(expected.slice(0, 30));
  });

  it('ListOffsets: kcat -o -N reads the tail and kcat -Q finds offsets by timestamp', async () => {
    const topic = 'kcat-offsets';
    await createTopic(topic, 1);
    const producer = createProducer(kafka);
    await producer.connect();
    const base = Date.now() - 60_000;
    // One message per send so every record is its own batch with its own timestamp.
    for (let i = 0; i < 10; i++) {
      await producer.send({ topic, acks: -1, messages: [{ value: `t${i}`, timestamp: String(base + i * 1_000) }] });
    }
    await producer.disconnect();

    const tail = await runKcat(['-b', broker.address, '-C', '-t', topic, '-p', '0', '-o', '-3', '-e', '-q', '-f', '%o=%s\n']);
    expect(tail.stdout.trim().split('\n')).toEqual(['7=t7', '8=t8', '9=t9']);

    const query = async (timestamp: number) => {
      const result = await runKcat(['-b', broker.address, '-Q', '-t', `${topic}:0:${timestamp}`]);
      expect(result).toMatchObject({ code: 0, timedOut: false });
      return /offset (-?\d+)/.exec(result.stdout)?.[1];
    };
    expect(await query(base + 4_000)).toBe('4'); // exact timestamp
    expect(await query(base + 4_500)).toBe('5'); // first at or after
    expect(await query(base - 10_000)).toBe('0');
  });
});
