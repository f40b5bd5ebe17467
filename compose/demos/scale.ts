/**
 * npm run demo:scale — one consumer service (inventory: it reserves stock for every order) scaled
 * out and back under load, on a fresh stack whose order subgraph runs twice behind the gateway:
 *   (a) 1 inventory replica: confirmed orders per second for a batch;
 *   (b) 3 replicas (two added while the stack runs): the rebalance, who owns which partitions,
 *       and the same batch again;
 *   (c) SIGKILL to inventory-3 half way through a batch: the rebalance that follows, and no
 *       order lost or applied twice (the kit's invariants, judged on the stores).
 * Then how many requests each order replica served (from their own server spans).
 *
 *   npm run demo:scale                         # about 3-4 minutes on 2 cores (100 orders per batch)
 *   npm run demo:scale -- --orders 60          # smaller batches
 *   npm run demo:scale -- --partitions 6 --in-flight 20 --timeout 420
 *
 * Progress goes to stderr, tables to stdout. Exits 1, naming what failed, unless every order of
 * every batch was confirmed, every rebalance finished and every invariant holds.
 */
import path from 'node:path';
import { Command } from 'commander';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { waitForDrain } from './kit/drain.ts';
import { checkInvariants } from './kit/invariants.ts';
import { createLagProbe } from './kit/lag.ts';
import { prepareCatalogue } from './kit/orders.ts';
import {
  ASSIGNMENT_HEADERS, assignmentRows, createReplicaNames, describeAssignments, partitionCounts, partitionsPerReplica,
  serviceGroups, waitForRebalance, type GroupState, type ReplicaNames,
} from './kit/partitions.ts';
import { requestsPerReplica } from './kit/replica-requests.ts';
import { invariantTable } from './kit/report.ts';
import { startDemoStack } from './kit/session.ts';
import { renderTable } from './kit/table.ts';
import { runBatch, type BatchResult } from './kit/throughput.ts';

const options = new Command()
  .description('scale a consumer service out and back under load')
  .option('--orders <n>', 'orders per measured batch', (value) => Number.parseInt(value, 10), 100)
  .option('--partitions <n>', 'partitions per topic (at least 3, so that 3 replicas can share them)', (value) => Number.parseInt(value, 10), 6)
  .option('--in-flight <n>', 'placeOrder calls in flight at once', (value) => Number.parseInt(value, 10), 20)
  .option('--timeout <s>', 'the whole run must finish within this many seconds', (value) => Number.parseInt(value, 10), 420)
  .parse()
  .opts<{ orders: number; partitions: number; inFlight: number; timeout: number }>();

const SERVICE = 'inventory';
const began = Date.now();
const deadline = began + options.timeout * 1000;
const log = (line: string) => process.stderr.write(`[${((Date.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
/** Rebalances wait for a killed member's session to expire (kafkajs: 30 s) before they start. */
const REBALANCE_MS = 90_000;

interface Phase {
  configuration: string;
  replicas: number;
  groups: GroupState[];
  result: BatchResult;
  /** A line under its assignment table. */
  note?: string;
}

if (!(options.orders >= 2 && options.partitions >= 3 && options.inFlight >= 1)) {
  log('demo:scale: --orders must be at least 2, --partitions at least 3, --in-flight at least 1');
  process.exit(2);
}

const problems: string[] = [];
log(`a fresh stack with 2 order replicas behind the gateway, every topic with ${options.partitions} partitions...`);
// Each service creates the topics it publishes and consumes with KAFKA_PARTITIONS partitions.
const session = await startDemoStack({
  scale: { order: 2 },
  env: { KAFKA_PARTITIONS: String(options.partitions), ORDER_DEADLINE_MS: '3600000' },
  log,
}).catch(async (error: unknown) => {
  log(`demo:scale FAILED: the stack did not start: ${(error as Error).message}`);
  process.exit(1);
});
const stack = session.stack!;
const admin: Admin = new Kafka({ clientId: 'demo-scale', brokers: session.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
try {
  await admin.connect();
  const groups = await serviceGroups(admin, SERVICE);
  const topics = [...new Set((await describeAssignments(admin, groups)).flatMap((group) => group.members.flatMap((member) => Object.keys(member.partitions))))];
  const partitions = await partitionCounts(admin, topics);
  const fewest = Math.min(...partitions.values());
  if (fewest < 3) throw new Error(`${SERVICE}'s topics have ${fewest} partition(s): 3 replicas could not share them`);
  const names = createReplicaNames();
  const settle = async (members: number, replica?: string) => {
    const state = await waitForRebalance(admin, groups, { members, partitions, deadline: Math.min(deadline, Date.now() + REBALANCE_MS) });
    if (replica) names.learn(state, replica);
    return state;
  };
  const batch = (atHalf?: () => Promise<void>) => runBatch(session, catalogue, { orders: options.orders, deadline, maxInFlight: options.inFlight, log, atHalf });

  log('adding this run\'s products...');
  const catalogue = await prepareCatalogue(session, { products: 24 });
  const phases: Phase[] = [];
  const acknowledged: string[] = [];

  const one = await settle(1, SERVICE);
  log(`warm-up: ${Math.min(20, options.orders)} orders (not measured)`);
  const warmUp = await runBatch(session, catalogue, { orders: Math.min(20, options.orders), deadline, maxInFlight: options.inFlight, log });
  acknowledged.push(...warmUp.acknowledged);

  log(`(a) 1 replica: ${options.orders} orders`);
  phases.push({ configuration: '(a) 1 replica', replicas: 1, groups: one, result: await batch() });

  for (const replicas of [2, 3]) {
    const added = await stack.addReplica(SERVICE);
    log(`added ${added.name} (${added.url}); waiting for the rebalance to ${replicas} members...`);
    await settle(replicas, added.name);
  }
  const three = await describeAssignments(admin, groups);
  log(`(b) 3 replicas: ${options.orders} orders`);
  phases.push({ configuration: '(b) 3 replicas', replicas: 3, groups: three, result: await batch() });

  const victim = `${SERVICE}-3`;
  let afterKill: Promise<GroupState[]> | undefined;
  log(`(c) 3 replicas, ${victim} killed (SIGKILL) once half the batch is acknowledged: ${options.orders} orders`);
  let rebalanceMs = Number.NaN;
  const killed = await batch(async () => {
    const exit = await stack.kill(victim, 'SIGKILL');
    const killedAt = Date.now();
    log(`killed ${victim} (${exit.signal ?? `exit ${exit.code}`}); its partitions move once its session expires`);
    afterKill = settle(2);
    await afterKill.catch(() => undefined);
    rebalanceMs = Date.now() - killedAt;
    log(`rebalanced to 2 members ${(rebalanceMs / 1000).toFixed(1)} s after the kill`);
  });
  const survivors = await (afterKill ?? Promise.reject(new Error(`${victim} was never killed (the batch never reached half)`)));
  const note = `${victim} was killed once ${Math.ceil(options.orders / 2)} orders were acknowledged; its partitions stood still until the group rebalanced, ${(rebalanceMs / 1000).toFixed(1)} s later (the dead member's session had to expire), then the survivors took them over.`;
  phases.push({ configuration: `(c) ${victim} killed mid-batch`, replicas: 2, groups: survivors, result: killed, note });
  for (const phase of phases) acknowledged.push(...phase.result.acknowledged);

  log('waiting for every outbox and consumer group to drain, then judging the stores...');
  const drain = await waitForDrain(session, createLagProbe(session.kafkaBrokers), Math.min(deadline, Date.now() + 120_000));
  if (!drain.drained) problems.push(`the stack did not drain: ${drain.outstanding}`);
  const { invariants } = await checkInvariants(session, { catalogue, acknowledged });
  for (const invariant of invariants.filter((entry) => !entry.holds)) problems.push(`invariant "${invariant.name}": ${invariant.detail}`);
  for (const phase of phases) {
    const { result } = phase;
    if (result.confirmed !== result.orders) problems.push(`${phase.configuration}: ${result.confirmed}/${result.orders} confirmed (${result.cancelled} cancelled, ${result.notFinal} not final, ${result.failed} not acknowledged)`);
  }

  const order = stack.subgraphs.filter((subgraph) => subgraph.name === 'order' || subgraph.name.startsWith('order-'));
  const served = await requestsPerReplica({ traceDir: path.join(session.dataDir, 'traces'), subgraph: 'order', replicas: order });

  printReport({ partitions, phases, names, served, order, invariants: invariantTable(invariants) });
} catch (error) {
  problems.push((error as Error).message);
} finally {
  await admin.disconnect().catch(() => undefined);
  await session.close();
}
if (problems.length > 0) {
  log(`demo:scale FAILED: ${problems.length} problem(s):`);
  for (const problem of problems) log(`  ${problem}`);
} else {
  log('demo:scale: every order confirmed, every rebalance finished, every invariant holds');
}
process.exit(problems.length > 0 ? 1 : 0);

function printReport(report: {
  partitions: Map<string, number>;
  phases: Phase[];
  names: ReplicaNames;
  served: Map<string, number> | undefined;
  order: { name: string; url: string }[];
  invariants: string;
}): void {
  console.log('\ntopics read by inventory');
  console.log(renderTable(['topic', 'partitions'], [...report.partitions].map(([topic, count]) => [topic, count])));
  for (const phase of report.phases) {
    console.log(`\n${phase.configuration}: partition assignment (kafkajs admin describeGroups)`);
    console.log(renderTable(ASSIGNMENT_HEADERS, assignmentRows(phase.groups, report.names)));
    if (phase.note) console.log(phase.note);
  }
  const totalPartitions = [...report.partitions.values()].reduce((sum, count) => sum + count, 0);
  console.log(`\nthroughput (${totalPartitions} partitions over ${report.partitions.size} topics; first order created -> last order final)`);
  console.log(
    renderTable(
      ['configuration', 'replicas', 'partitions per replica', 'orders', 'confirmed', 'seconds', 'confirmed/s'],
      report.phases.map((phase) => [
        phase.configuration,
        phase.replicas,
        [...partitionsPerReplica(phase.groups, report.names)].map(([name, count]) => `${name}=${count}`).join(' '),
        phase.result.orders,
        phase.result.confirmed,
        Number(phase.result.seconds.toFixed(1)),
        Number(phase.result.confirmedPerSecond.toFixed(1)),
      ]),
    ),
  );
  console.log('note: measured on this machine as it is; on 2 shared cores more replicas add processes competing for the same CPU, so they need not raise throughput.');
  console.log('\nrequests served per order replica (their own HTTP server spans; the gateway takes turns)');
  console.log(
    report.served
      ? renderTable(['replica', 'url', 'requests'], report.order.map((replica) => [replica.name, replica.url, report.served!.get(replica.name) ?? 0]))
      : 'unknown: the stack ran without tracing (OTEL_SDK_DISABLED=true)',
  );
  console.log('\ninvariants (all orders of the run, judged on the stores)');
  console.log(report.invariants);
}
