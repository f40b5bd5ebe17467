// kafkajs produce/consume throughput against this project's broker and librdkafka's mock cluster,
// in the same run on the same machine. `npm run bench:kafka -- --help` for options.
//
// Fairness: every target is warmed up (unmeasured) before the first measurement: kafkajs's JIT
// warm-up in this process would otherwise favour whichever target runs later. Each produce
// scenario runs several times per target in alternating order (A B C, C B A, A B C) and the best
// run counts, so no target always goes first and a stall caused by something else on the machine
// does not decide a row. Consume scenarios (slow to set up on the mock) get fewer runs, also in
// alternating order, starting with a different target from one scenario to the next.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Admin } from 'kafkajs';
import { createKafka } from '../test/helpers/kafka-client.ts';
import { best, describe, formatTable } from './report.ts';
import type { Outcome, Row } from './report.ts';
import { PARTITIONS, consumeWithGroup, ensureTopic, produce, warmUp } from './scenarios.ts';
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
  .option('--single-messages <n>', 'messages per one-message-per-send scenario', positiveInt, 3_000)
  .option('--single-concurrency <n>', 'single sends in flight at once (1 = awaited one by one)', positiveInt, 1)
  .option('--warm-up <n>', 'unmeasured single sends per target before measuring', positiveInt, 3_000)
  .option('--runs <n>', 'runs per target of each produce scenario (the best counts)', positiveInt, 3)
  .option('--consume-runs <n>', 'runs per target of each consume scenario (the best counts)', positiveInt, 2)
  .addOption(
    new Option('--fsync <policy>', "this broker's fsync policies for produce; consume uses never when measured").choices(['both', 'always', 'never']).default('both'),
  )
  .option('--only <text>', 'run only scenarios whose name contains this text')
  .option('--no-mock', 'skip the librdkafka mock cluster (e.g. kcat not installed)')
  .option('--no-broker', "skip this project's broker (e.g. to check the mock alone)")
  .parse()
  .opts<{
    only?: string; fsync: 'both' | 'always' | 'never'; messages: number; consumeMessages: number; singleMessages: number;
    singleConcurrency: number; warmUp: number; runs: number; consumeRuns: number; mock: boolean; broker: boolean;
  }>();

interface Scenario {
  name: string;
  kind: 'produce' | 'consume';
  run(target: BenchTarget, topic: string): Promise<Measurement>;
}

const sizes = [200, 1024];
// librdkafka's mock keeps at most 5 MiB per partition and silently drops older batches beyond
// that (rdkafka_mock.c, mpart->max_size), so each consume round stays under 3 MiB per partition.
const consumeChunk = (size: number) => Math.floor((PARTITIONS * 3 * 1_048_576) / (size + 64));
const label = (size: number) => (size === 1024 ? '1 KiB' : `${size} B`);
const kafkaFor = (t: BenchTarget) => createKafka(t.address, 'bench');
const allScenarios: Scenario[] = [
  ...sizes.map((size): Scenario => ({
    name: `produce ${label(size)}, 1 msg/send, ${options.singleConcurrency} in flight`,
    kind: 'produce',
    run: (t, topic) =>
      produce(kafkaFor(t), topic, { total: options.singleMessages, perSend: 1, valueSize: size, concurrency: options.singleConcurrency }),
  })),
  ...sizes.map((size): Scenario => ({
    name: `produce ${label(size)}, 100 msgs/send`,
    kind: 'produce',
    run: (t, topic) => produce(kafkaFor(t), topic, { total: options.messages, perSend: 100, valueSize: size }),
  })),
  ...[1, 3].flatMap((members) =>
    sizes.map((size): Scenario => ({
      name: `consume ${label(size)}, group of ${members}`,
      kind: 'consume',
      run: (t, topic) =>
        consumeWithGroup(kafkaFor(t), topic, { total: options.consumeMessages, chunk: consumeChunk(size), valueSize: size, members, groupId: `${topic}-group` }),
    })),
  ),
];
const scenarios = allScenarios.filter((s) => !options.only || s.name.includes(options.only));

async function tryStart(start: () => Promise<BenchTarget>): Promise<BenchTarget | null> {
  try {
    const target = await start();
    process.stderr.write(`== ${target.name} at ${target.address}\n`);
    return target;
  } catch (error) {
    // e.g. kcat missing: report that target as skipped rather than losing the other figures
    process.stderr.write(`could not start a target: ${(error as Error).message}\n`);
    return null;
  }
}

const started = Date.now();
const policies = options.fsync === 'both' ? (['always', 'never'] as const) : [options.fsync];
const brokers: BenchTarget[] = [];
if (options.broker) for (const p of policies) brokers.push(...[await tryStart(() => startProjectBroker(p))].filter((t) => t !== null));
const mock = options.mock ? await tryStart(startMockCluster) : null;
const targets = mock ? [...brokers, mock] : brokers;
// Consume is measured on one policy only (slow to set up): fsync never when it runs, like for like
// with the in-memory mock. With always, kafkajs's offset commit after each batch waits for an
// fdatasync before the next fetch (measured: ~15 % fewer msg/s), a cost of durability, not of fetch.
const consumeBrokers = [brokers.find((b) => b.fsync === 'never') ?? brokers[0]].filter((b) => b !== undefined);
const admins = new Map<BenchTarget, Admin>();
const results = new Map<string, Outcome[]>(); // by scenario index and target name
const key = (i: number, t: BenchTarget) => `${i}\u0000${t.name}`;
let topicSeq = 0;

async function measure(i: number, target: BenchTarget, run: string): Promise<void> {
  const scenario = scenarios[i]!;
  const topic = `bench-${i}-${topicSeq++}-${Date.now()}`;
  let outcome: Outcome;
  try {
    await ensureTopic(admins.get(target)!, topic, target.useCreateTopics);
    outcome = await scenario.run(target, topic);
    process.stderr.write(`[${target.name}] ${scenario.name}${run}: ${describe(outcome)}\n`);
  } catch (error) {
    process.stderr.write(`[${target.name}] ${scenario.name}${run}: FAILED ${(error as Error).message}\n`);
    outcome = 'failed';
  }
  results.set(key(i, target), [...(results.get(key(i, target)) ?? []), outcome]);
}

try {
  for (const target of targets) {
    const admin = createKafka(target.address, 'bench-admin').admin();
    await admin.connect();
    admins.set(target, admin);
    const topic = `bench-warm-up-${Date.now()}`;
    await ensureTopic(admin, topic, target.useCreateTopics);
    const t0 = Date.now();
    await warmUp(kafkaFor(target), topic, options.warmUp);
    process.stderr.write(`[${target.name}] warmed up in ${Date.now() - t0} ms (unmeasured)\n`);
  }
  for (const [i, scenario] of scenarios.entries()) {
    const isProduce = scenario.kind === 'produce';
    const measured = isProduce ? targets : [...consumeBrokers, ...(mock ? [mock] : [])];
    const runs = isProduce ? options.runs : options.consumeRuns;
    for (let run = 0; run < runs; run++) {
      const order = (run + (isProduce ? 0 : i)) % 2 === 0 ? measured : [...measured].reverse();
      for (const t of order) await measure(i, t, ` (run ${run + 1}/${runs})`);
    }
  }
} finally {
  await Promise.all([...admins.values()].map((a) => a.disconnect().catch(() => undefined)));
  await Promise.all(targets.map((t) => t.stop()));
}

const outcome = (i: number, t: BenchTarget | null | undefined): Outcome => (t ? best(results.get(key(i, t)) ?? ['skipped']) : 'skipped');
const rows: Row[] = scenarios.flatMap((s, i): Row[] => {
  const measured = s.kind === 'produce' ? brokers : consumeBrokers;
  if (measured.length === 0) return [{ scenario: s.name, fsync: '-', broker: 'skipped', mock: outcome(i, mock) }];
  return measured.map((b) => ({ scenario: s.name, fsync: b.fsync ?? '-', broker: outcome(i, b), mock: outcome(i, mock) }));
});

const consumeRounds = sizes.map((size) => `${label(size)}: rounds of <= ${consumeChunk(size)}`).join(', ');
console.log(
  [
    `fsync policy of this broker (column 2): always = fdatasync before acknowledging acks=-1 (the default; durability the`,
    'in-memory mock does not offer); never = acknowledged once in the page cache (like for like with the mock).',
    '',
    formatTable(rows),
    '',
    `kafkajs 2.2.4, acks=-1, ${PARTITIONS} partitions per topic. Produce: ${options.messages} msgs per batched scenario,`,
    `${options.singleMessages} per single-send scenario (${options.singleConcurrency} send(s) in flight, each awaited).`,
    `Consume: ${options.consumeMessages} msgs per scenario via eachBatch (${consumeRounds}); a settled group is paused, a round`,
    "is produced, and the clock runs from resume to the round's last message (join and produce time excluded).",
    `Every target first gets ${options.warmUp} single sends and 50 sends of 100 unmeasured (warm-up). Each row is the best of`,
    `${options.runs} runs per target (produce) or ${options.consumeRuns} (consume), in alternating order (A B C, C B A, ...).`,
    'This broker: child processes (tsx CLI), temp data dirs. Mock: librdkafka test.mock.num.brokers=1 inside kcat.',
    `MB/s counts message values only; ratio = this broker msg/s / mock msg/s; total ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  ].join('\n'),
);
