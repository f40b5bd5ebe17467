// kafkajs produce/consume throughput against this project's broker and librdkafka's mock cluster,
// in the same run on the same machine. `npm run bench:kafka -- --help` for options.
import { Command, InvalidArgumentError, Option } from 'commander';
import { createKafka } from '../test/helpers/kafka-client.ts';
import { formatTable, describe } from './report.ts';
import type { Outcome, Row } from './report.ts';
import { PARTITIONS, consumeWithGroup, ensureTopic, produce } from './scenarios.ts';
import type { Measurement } from './scenarios.ts';
import { startMockCluster, startProjectBroker } from './targets.ts';
import type { BenchTarget } from './targets.ts';

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

const options = new Command('throughput')
  .description('kafkajs throughput: this broker vs the librdkafka mock cluster (kcat)')
  .option('--messages <n>', 'messages per batched produce scenario', positiveInt, 40_000)
  .option('--consume-messages <n>', 'messages per consume scenario', positiveInt, 100_000)
  .option('--single-messages <n>', 'messages per one-message-per-send scenario', positiveInt, 2_000)
  .option('--single-concurrency <n>', 'single sends in flight at once (1 = awaited one by one)', positiveInt, 1)
  .addOption(new Option('--fsync <policy>', "this broker's fsync policy").choices(['always', 'never']).default('always'))
  .option('--only <text>', 'run only scenarios whose name contains this text')
  .option('--no-mock', 'skip the librdkafka mock cluster (e.g. kcat not installed)')
  .option('--no-broker', "skip this project's broker (e.g. to check the mock alone)")
  .parse()
  .opts<{ only?: string; fsync: 'always' | 'never'; messages: number; consumeMessages: number; singleMessages: number; singleConcurrency: number; mock: boolean; broker: boolean }>();

interface Scenario {
  name: string;
  run(target: BenchTarget, topic: string): Promise<Measurement>;
}

const sizes = [200, 1024];
// librdkafka's mock keeps at most 5 MiB per partition and silently drops older batches beyond
// that (rdkafka_mock.c, mpart->max_size), so each consume round stays under 3 MiB per partition.
const consumeChunk = (size: number) => Math.floor((PARTITIONS * 3 * 1_048_576) / (size + 64));
const label = (size: number) => (size === 1024 ? '1 KiB' : `${size} B`);
const allScenarios: Scenario[] = [
  ...sizes.map((size) => ({
    name: `produce ${label(size)}, 1 msg/send, ${options.singleConcurrency} in flight`,
    run: (t: BenchTarget, topic: string) =>
      produce(createKafka(t.address, 'bench'), topic, {
        total: options.singleMessages,
        perSend: 1,
        valueSize: size,
        concurrency: options.singleConcurrency,
      }),
  })),
  ...sizes.map((size) => ({
    name: `produce ${label(size)}, 100 msgs/send`,
    run: (t: BenchTarget, topic: string) =>
      produce(createKafka(t.address, 'bench'), topic, { total: options.messages, perSend: 100, valueSize: size }),
  })),
  ...[1, 3].flatMap((members) =>
    sizes.map((size) => ({
      name: `consume ${label(size)}, group of ${members}`,
      run: (t: BenchTarget, topic: string) =>
        consumeWithGroup(createKafka(t.address, 'bench'), topic, {
          total: options.consumeMessages,
          chunk: consumeChunk(size),
          valueSize: size,
          members,
          groupId: `${topic}-group`,
        }),
    })),
  ),
];

const scenarios = allScenarios.filter((s) => !options.only || s.name.includes(options.only));

async function runAll(target: BenchTarget, useCreateTopics: boolean): Promise<Outcome[]> {
  const admin = createKafka(target.address, 'bench-admin').admin();
  await admin.connect();
  const results: Outcome[] = [];
  try {
    for (const [i, scenario] of scenarios.entries()) {
      const topic = `bench-${i}-${Date.now()}`;
      try {
        await ensureTopic(admin, topic, useCreateTopics);
        const m = await scenario.run(target, topic);
        process.stderr.write(`[${target.name}] ${scenario.name}: ${describe(m)}\n`);
        results.push(m);
      } catch (error) {
        process.stderr.write(`[${target.name}] ${scenario.name}: FAILED ${(error as Error).message}\n`);
        results.push('failed');
      }
    }
  } finally {
    await admin.disconnect();
  }
  return results;
}

async function measure(start: () => Promise<BenchTarget>, useCreateTopics: boolean): Promise<Outcome[]> {
  let target: BenchTarget;
  try {
    target = await start();
  } catch (error) {
    // e.g. kcat missing: report that target as skipped rather than losing the other one's figures
    process.stderr.write(`could not start a target: ${(error as Error).message}\n`);
    return [];
  }
  process.stderr.write(`== ${target.name} at ${target.address}\n`);
  try {
    return await runAll(target, useCreateTopics);
  } finally {
    await target.stop();
  }
}

const started = Date.now();
// CreateTopics on the mock fails in kafkajs (no usable controller), so it relies on auto-creation.
const brokerResults = options.broker ? await measure(() => startProjectBroker(options.fsync), true) : [];
const mockResults = options.mock ? await measure(startMockCluster, false) : [];
const rows: Row[] = scenarios.map((s, i) => ({
  scenario: s.name,
  broker: brokerResults[i] ?? 'skipped',
  mock: mockResults[i] ?? 'skipped',
}));

console.log(formatTable(rows));
const consumeRounds = sizes.map((size) => `${label(size)}: rounds of <= ${consumeChunk(size)}`).join(', ');
console.log(
  [
    '',
    `kafkajs 2.2.4, acks=-1, ${PARTITIONS} partitions per topic. Produce: ${options.messages} msgs per batched scenario,`,
    `${options.singleMessages} per single-send scenario (${options.singleConcurrency} send(s) in flight, each awaited).`,
    `Consume: ${options.consumeMessages} msgs per scenario via eachBatch (${consumeRounds}); a settled group is paused, a round`,
    'is produced, and the clock runs from resume to the round\'s last message (join and produce time excluded).',
    `This broker: child process (tsx CLI), temp data dir, fsync ${options.fsync}. Mock: librdkafka test.mock.num.brokers=1 inside kcat.`,
    `MB/s counts message values only; ratio = this broker msg/s / mock msg/s; total ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  ].join('\n'),
);
