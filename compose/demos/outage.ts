/**
 * Kill one part of the running system under a steady stream of orders and show that nothing is
 * lost: a fresh stack, a catalogue, orders on every saga path at a bounded rate (each retried
 * with its idempotency key until acknowledged), the victim SIGKILLed for --down seconds and
 * restarted, consumer lag per group every 2 s (stderr), then the invariants judged on the stores
 * and a summary (stdout). Exit 0 only when every invariant holds.
 *
 *   npm run demo:outage -- [--victim inventory|payment|notification|order|kafka|mongo] [--down 20] [--rate 5] [--orders N] [--keep]
 *
 * Without --orders the load runs 10 s before the kill, through the outage and 10 s after the
 * restart. --keep keeps the stack's temporary DATA_DIR (child logs in logs/), which is also kept
 * when an invariant fails.
 */
import { Command, Option } from 'commander';
import { waitForDrain } from './kit/drain.ts';
import { checkInvariants } from './kit/invariants.ts';
import { createLagProbe, watchLag } from './kit/lag.ts';
import { startLoad } from './kit/load.ts';
import { prepareCatalogue, waitForFinal } from './kit/orders.ts';
import { clientFigures, everyOrderAcknowledged, formatSeconds, invariantTable, outcomes } from './kit/report.ts';
import { startDemoStack, type DemoSession } from './kit/session.ts';
import { renderTable } from './kit/table.ts';

const VICTIMS = ['inventory', 'payment', 'notification', 'order', 'kafka', 'mongo'];
const BEFORE_MS = 10_000;
const AFTER_MS = 10_000;
const FINAL_WAIT_MS = 90_000;

const positive = (name: string) => (value: string) => {
  const number = Number(value);
  if (!(number > 0) || !Number.isFinite(number)) throw new Error(`${name} must be a positive number, got ${value}`);
  return number;
};
const options = new Command()
  .name('demo:outage')
  .addOption(new Option('--victim <name>', 'what to kill').choices(VICTIMS).default('inventory'))
  .option('--down <seconds>', 'how long the victim stays down', positive('--down'), 20)
  .option('--rate <orders/s>', 'orders started per second', positive('--rate'), 5)
  .option('--orders <n>', 'place exactly this many orders instead of a timed stream', positive('--orders'))
  .option('--keep', 'keep the temporary DATA_DIR (child logs) afterwards', false)
  .parse()
  .opts<{ victim: string; down: number; rate: number; orders?: number; keep: boolean }>();
if (options.down > 120) throw new Error('--down is at most 120 seconds (the whole demo is bounded to a few minutes)');

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const began = Date.now();
let phase = 'starting';
const stamp = () => `[${`${Math.round((Date.now() - began) / 1000)}s`.padStart(4)} ${phase.padEnd(9)}]`;

async function run(session: DemoSession): Promise<boolean> {
  const stack = session.stack!;
  const catalogue = await prepareCatalogue(session, { products: 8 });
  log(`${stamp()} catalogue: ${catalogue.skus.length} products (${catalogue.skus[0]}...), sold out: ${catalogue.outOfStockSku}`);

  const durationMs = options.orders === undefined ? BEFORE_MS + options.down * 1000 + AFTER_MS : undefined;
  const load = startLoad(session, catalogue, { rate: options.rate, orders: options.orders, durationMs, maxInFlight: 50 });
  const probe = createLagProbe(session.kafkaBrokers);
  const client = () => {
    const progress = load.progress();
    return `orders ${progress.started} placed, ${progress.acknowledged} acked, ${progress.inFlight} in flight | `;
  };
  phase = 'steady';
  const watch = watchLag(probe, { everyMs: 2_000, log, prefix: () => `${stamp()} ${client()}` });
  try {
    await sleep(BEFORE_MS);
    phase = 'down';
    const killedAt = Date.now();
    const exit = await stack.kill(options.victim, 'SIGKILL');
    log(`${stamp()} killed ${options.victim} (SIGKILL, exit ${exit.signal ?? exit.code}); restarting it in ${options.down} s`);
    await sleep(Math.max(0, killedAt + options.down * 1000 - Date.now()));
    phase = 'restart';
    const restartBegan = Date.now();
    await stack.restart(options.victim);
    const restartedAt = Date.now();
    log(`${stamp()} ${options.victim} is back (ready after ${formatSeconds(restartedAt - restartBegan)}; down ${formatSeconds(restartedAt - killedAt)})`);
    phase = 'draining';

    const records = await load.done;
    const acknowledged = records.filter((record) => record.acknowledged).map((record) => record.orderId!);
    log(`${stamp()} load finished: ${records.length} placed, ${acknowledged.length} acknowledged; waiting for every order to be final and the stack to drain`);
    const deadline = Date.now() + FINAL_WAIT_MS;
    const statuses = await Promise.all(acknowledged.map((orderId) => waitForFinal(session, orderId, deadline)));
    const notFinal = statuses.filter((status) => !['CONFIRMED', 'CANCELLED', 'SHIPPED'].includes(status)).length;
    const drain = await waitForDrain(session, probe, deadline);
    const drainedAt = Date.now();
    await watch.stop();
    if (notFinal > 0) log(`${stamp()} ${notFinal} acknowledged orders not final within ${formatSeconds(FINAL_WAIT_MS)}`);
    if (!drain.drained) log(`${stamp()} not drained within the bound: ${drain.outstanding}`);

    phase = 'checking';
    const { invariants, facts } = await checkInvariants(session, { catalogue, acknowledged });
    const all = [everyOrderAcknowledged(records), ...invariants];
    const figures = clientFigures(records);
    const max = watch.max();
    const worstGroup = [...max.groups].sort((a, b) => b[1] - a[1])[0];
    const rows: (string | number)[][] = [
      ['victim', `${options.victim} (SIGKILL), down ${formatSeconds(restartedAt - killedAt)}`],
      ['orders placed', figures.placed],
      ['orders acknowledged', figures.acknowledged],
      ['client retries', figures.retries],
      ...[...outcomes(facts, acknowledged)].map(([outcome, count]): (string | number)[] => [outcome, count]),
      ['max consumer lag', `${max.total}${worstGroup && worstGroup[1] > 0 ? ` (most: ${worstGroup[0]} ${worstGroup[1]})` : ''}`],
      ['time to drain after restart', drain.drained ? formatSeconds(drainedAt - restartedAt) : `not drained (${drain.outstanding})`],
    ];
    console.log(`\noutage demo: ${options.victim} killed under load\n`);
    console.log(invariantTable(all));
    console.log(`\n${renderTable(['figure', 'value'], rows.map(([name, value]) => [name, String(value)]))}`);
    const failed = all.filter((invariant) => !invariant.holds);
    if (failed.length > 0) {
      console.log(`\nFAILED: ${failed.map((invariant) => invariant.name).join(', ')}`);
      return false;
    }
    console.log('\nevery invariant holds');
    return true;
  } finally {
    await watch.stop();
  }
}

let session: DemoSession | undefined;
let ok = false;
process.once('SIGINT', () => {
  log('interrupted: stopping the stack');
  void (session?.close() ?? Promise.resolve()).finally(() => process.exit(130));
});
try {
  session = await startDemoStack({ log: (line) => log(`${stamp()} ${line}`) });
  ok = await run(session);
} catch (error) {
  log(`demo:outage failed: ${(error as Error).stack ?? error}`);
} finally {
  await session?.close({ keepDataDir: options.keep || !ok });
}
process.exit(ok ? 0 : 1);
