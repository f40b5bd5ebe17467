// Consumer groups through real kafkajs clients: assignment, graceful leave, crash (session
// expiry), no message lost while rebalancing, committed offsets, and the admin views of a group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignerProtocol } from 'kafkajs';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { AssignmentTracker } from './helpers/assignment-tracker.ts';
import { spawnChildBroker } from './helpers/child-broker.ts';
import { forkChildConsumer } from './helpers/child-consumer.ts';
import type { ChildConsumer } from './helpers/child-consumer.ts';
import { startTestBroker } from './helpers/in-process-broker.ts';
import type { TestBroker } from './helpers/in-process-broker.ts';
import { createConsumer, createKafka, createProducer } from './helpers/kafka-client.ts';
import { produceInBackground } from './helpers/keyed-producer.ts';
import type { BackgroundProducer } from './helpers/keyed-producer.ts';
import { makeTempDir } from './helpers/temp-dir.ts';
import { sleep, waitFor, withTimeout } from './helpers/wait.ts';

const PARTITIONS = 6;

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const consumers: Consumer[] = [];
const children: ChildConsumer[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = createKafka(broker.address);
  admin = kafka.admin();
  producer = createProducer(kafka);
  await Promise.all([admin.connect(), producer.connect()]);
});

afterAll(async () => {
  await Promise.all(children.map((child) => child.kill()));
  // Clients first, while their brokers still answer; then the brokers and their data dirs.
  await Promise.all(consumers.map((c) => withTimeout('consumer disconnect', c.disconnect(), 10_000).catch(() => undefined)));
  await producer?.disconnect();
  await admin?.disconnect();
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await broker?.close();
});

async function createTopic(topic: string, numPartitions = PARTITIONS): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
}

/** An in-process group member that records its assignments and every value it consumes. */
async function startMember(name: string, groupId: string, topic: string, tracker: AssignmentTracker, seen: Set<string>) {
  const consumer = createConsumer(kafka, { groupId });
  consumers.push(consumer);
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => tracker.record(name, payload.memberAssignment));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
  return consumer;
}

describe('consumer group of kafkajs members over a 6-partition topic', { timeout: 60_000 }, () => {
  const topic = 'orders-rebalance';
  const groupId = 'rebalance-group';
  const tracker = new AssignmentTracker(topic);
  const seen = new Set<string>();
  let memberA: Consumer;
  let child: ChildConsumer;
  let traffic: BackgroundProducer;

  it('assigns each partition to exactly one of 3 members and reports the group as Stable', async () => {
    await createTopic(topic);
    traffic = produceInBackground(producer, topic);
    memberA = await startMember('A', groupId, topic, tracker, seen);
    await startMember('B', groupId, topic, tracker, seen);
    // C runs in its own process so the crash test below can SIGKILL it (no LeaveGroup sent).
    child = forkChildConsumer(broker.address, groupId, topic, (report) => {
      if (report.type === 'join') tracker.record('C', report.assignment);
      else seen.add(report.value!);
    });
    children.push(child);

    await waitFor('3 members to own all 6 partitions', () => tracker.coversExactly(['A', 'B', 'C'], PARTITIONS), {
      timeoutMs: 30_000,
    });
    for (const member of ['A', 'B', 'C']) expect(tracker.partitionsOf(member)).toHaveLength(2);

    const [group] = (await admin.describeGroups([groupId])).groups;
    expect(group).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(group!.members).toHaveLength(3);
    // The broker's stored assignments (what the leader sent in SyncGroup) agree with the members' view.
    const stored = group!.members.map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? []);
    expect(stored.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stored.map((partitions) => partitions.length)).toEqual([2, 2, 2]);
    const listed = (await admin.listGroups()).groups.find((g) => g.groupId === groupId);
    expect(listed).toEqual({ groupId, protocolType: 'consumer' });
  });

  it('rebalances onto the 2 remaining members when one leaves gracefully', async () => {
    const joinsBefore = { B: tracker.joins('B'), C: tracker.joins('C') };
    await memberA.disconnect(); // sends LeaveGroup
    await waitFor(
      'B and C to rejoin and own all 6 partitions',
      () =>
        tracker.joins('B') > joinsBefore.B &&
        tracker.joins('C') > joinsBefore.C &&
        tracker.coversExactly(['B', 'C'], PARTITIONS),
      { timeoutMs: 20_000 },
    );
    expect(tracker.partitionsOf('B')).toHaveLength(3);
    expect(tracker.partitionsOf('C')).toHaveLength(3);
    const [group] = (await admin.describeGroups([groupId])).groups;
    expect(group!.members).toHaveLength(2);
  });

  it('evicts a member that dies without leaving once its session times out', async () => {
    const joinsBefore = tracker.joins('B');
    const killedAt = Date.now();
    await child.kill(); // SIGKILL: no LeaveGroup, no further heartbeats
    await waitFor('B to own all 6 partitions after C expires', () => tracker.joins('B') > joinsBefore && tracker.coversExactly(['B'], PARTITIONS), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    // The broker can only learn of the crash from the missing heartbeats (sessionTimeout 6 s).
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(4_000);
    const [group] = (await admin.describeGroups([groupId])).groups;
    expect(group).toMatchObject({ state: 'Stable' });
    expect(group!.members).toHaveLength(1);
  });

  it('delivered every acknowledged message at least once across all the rebalances', async () => {
    await traffic.stop();
    expect(traffic.errors).toEqual([]);
    expect(traffic.acked.length).toBeGreaterThan(50);
    const missing = () => traffic.acked.filter((value) => !seen.has(value));
    await waitFor('every acknowledged message to be consumed', () => missing().length === 0, { timeoutMs: 20_000 });
    expect(missing()).toEqual([]);
  });
});

describe('committed offsets', () => {
  it('resume a restarted group after the last committed offset', async () => {
    const topic = 'orders-resume';
    const groupId = 'resume-group';
    await createTopic(topic, 3);
    const send = (values: string[]) =>
      producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value })) });
    const first = Array.from({ length: 30 }, (_, i) => `first-${i}`);
    await send(first);

    // Round 1: consume everything, commit explicitly (autoCommit off, so nothing commits behind our back).
    const round1 = createConsumer(kafka, { groupId });
    consumers.push(round1);
    const got1: string[] = [];
    const nextOffsets = new Map<number, bigint>();
    await round1.connect();
    await round1.subscribe({ topic, fromBeginning: true });
    await round1.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        got1.push(message.value!.toString());
        nextOffsets.set(partition, BigInt(message.offset) + 1n);
      },
    });
    await waitFor('round 1 to consume 30 messages', () => got1.length >= 30, { timeoutMs: 20_000 });
    await round1.commitOffsets([...nextOffsets].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })));
    await round1.disconnect();
    expect(new Set(got1)).toEqual(new Set(first));

    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(total).toBe(30);

    // Round 2: new messages while the group is down; the same group must get only those.
    const second = Array.from({ length: 10 }, (_, i) => `second-${i}`);
    await send(second);
    const round2 = createConsumer(kafka, { groupId });
    consumers.push(round2);
    const got2: string[] = [];
    await round2.connect();
    await round2.subscribe({ topic, fromBeginning: true }); // fromBeginning only applies without a commit
    await round2.run({ eachMessage: async ({ message }) => void got2.push(message.value!.toString()) });
    await waitFor('round 2 to consume the 10 new messages', () => got2.length >= 10, { timeoutMs: 20_000 });
    await sleep(1_500); // a replay of round 1 would arrive in this window
    await round2.disconnect();
    expect(got2.sort()).toEqual([...second].sort());
  });
});

describe('a group riding through a broker crash and restart on the same port', () => {
  it('resumes consumption from the committed offsets without losing acknowledged messages', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    const first = await spawnChildBroker({ dataDir: dir.path, fsync: 'always' });
    cleanups.push(() => first.kill());
    const restartKafka = createKafka(first.address);
    const restartAdmin = restartKafka.admin();
    await restartAdmin.connect();
    await restartAdmin.createTopics({ topics: [{ topic: 'restart-orders', numPartitions: 3 }], waitForLeaders: true });
    await restartAdmin.disconnect();

    const seen = new Set<string>();
    let deliveries = 0;
    let seenAtCrash = 0;
    const consumer = createConsumer(restartKafka, { groupId: 'restart-group' });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: 'restart-orders', fromBeginning: true });
    await consumer.run({
      autoCommitInterval: 200,
      eachMessage: async ({ message }) => {
        deliveries++;
        seen.add(message.value!.toString());
      },
    });
    const restartProducer = createProducer(restartKafka);
    cleanups.push(() => withTimeout('producer disconnect', restartProducer.disconnect(), 5_000));
    await restartProducer.connect();
    const traffic = produceInBackground(restartProducer, 'restart-orders', { prefix: 'r' });
    try {
      await waitFor('traffic flowing before the crash', () => seen.size >= 150, { timeoutMs: 20_000 });
      seenAtCrash = seen.size;
      await first.kill(); // SIGKILL: group state in memory is gone, committed offsets are on disk
      const second = await spawnChildBroker({ dataDir: dir.path, port: first.port, fsync: 'always' });
      cleanups.push(() => second.stop());
      const ackedAtRestart = traffic.acked.length;
      await waitFor('traffic acknowledged by the restarted broker', () => traffic.acked.length >= ackedAtRestart + 40, {
        timeoutMs: 30_000,
      });
    } finally {
      await traffic.stop();
    }
    await waitFor('the group to consume every acknowledged message', () => traffic.acked.every((v) => seen.has(v)), {
      timeoutMs: 30_000,
    });
    // Redelivered = consumed after the last commit before the crash; a replay from offset 0
    // (committed offsets lost) would redeliver at least everything seen before the crash.
    expect(deliveries - seen.size).toBeLessThan(seenAtCrash);
    await restartProducer.disconnect();
    await consumer.disconnect();
  });
});
