/**
 * npm run demo:flow — one order down each path of the saga (confirmed, out of stock, payment
 * declined, cancelled after confirmation), then each order's timeline across the services as
 * the system recorded it: every service's event store filtered by the order's correlation id,
 * with the partition/offset each event got on Kafka and the notifications the customer received.
 *
 *   npm run demo:flow                     # the stack running on DATA_DIR (npm start), else a fresh one
 *   npm run demo:flow -- --fresh          # always a fresh stack (stopped at the end)
 *   npm run demo:flow -- --timeout 180    # seconds before an unfinished order counts as a failure
 *
 * Progress goes to stderr, the tables to stdout. Exits 1 (naming the order and what differed)
 * unless every order ended as its path expects, with exactly the expected events and e-mails.
 */
import { ALL_TOPICS } from '@tributary/contracts';
import { Command } from 'commander';
import { placeOrderOnPath, prepareCatalogue, SAGA_PATHS, waitForFinal, type SagaPath } from './kit/orders.ts';
import { SAGA_EXPECTATIONS, sagaProblems } from './kit/saga-expectations.ts';
import { findRunningStack, startDemoStack, type DemoSession } from './kit/session.ts';
import { renderTable } from './kit/table.ts';
import { readOrderTimeline, shortId, TIMELINE_HEADERS, timelineRows, type TimelineEntry } from './kit/timeline.ts';
import { watchTopicPositions } from './kit/topic-positions.ts';

const options = new Command()
  .description('one order per saga path and its timeline across services')
  .option('--fresh', 'start a fresh stack even when one is running on DATA_DIR')
  .option('--timeout <s>', 'seconds for every order to finish (and its e-mails to be sent)', (value) => Number.parseInt(value, 10), 120)
  .parse()
  .opts<{ fresh?: boolean; timeout: number }>();

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Notification {
  type: string;
  channel: string;
  recipient: string;
  subject: string;
}

interface OrderOutcome {
  path: SagaPath;
  orderId: string;
  status: string;
  timeline: TimelineEntry[];
  notifications: Notification[];
  problems: string[];
}

/** Waits for the order to be final, then for the rest of its saga (compensations, e-mails) until it matches its path or the deadline. */
async function follow(session: DemoSession, path: SagaPath, orderId: string, deadline: number): Promise<Omit<OrderOutcome, 'notifications'>> {
  await waitForFinal(session, orderId, deadline);
  for (;;) {
    // Read again each time: a later step (the cancellation after confirmation) may still change it.
    const status = await waitForFinal(session, orderId, Date.now());
    const timeline = await readOrderTimeline((service) => session.db(service), orderId);
    const problems = sagaProblems(path, status, timeline);
    if (problems.length === 0 || Date.now() >= deadline) return { path, orderId, status, timeline, problems };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The customer's view of the e-mails, through the gateway (the notification subgraph's read model). */
async function notificationsOf(session: DemoSession, orderId: string, customerId: string): Promise<Notification[]> {
  const answer = await session.graphql<{ order: { notifications: Notification[] } | null }>(
    'query($id: ID!) { order(id: $id) { notifications { type channel recipient subject } } }',
    { id: orderId },
    await session.token(customerId),
  );
  return answer.data?.order?.notifications ?? [];
}

const session = await (async () => (!options.fresh && (await findRunningStack({ log }))) || startDemoStack({ log }))().catch((error: unknown) => {
  log(`demo:flow FAILED: no stack: ${(error as Error).message}`);
  process.exit(1);
});
let failed = true;
try {
  log('adding this run\'s products (one of them sold out)...');
  const catalogue = await prepareCatalogue(session, { products: 3 });
  log('watching the topics for partitions and offsets...');
  const watcher = await watchTopicPositions({ brokers: session.kafkaBrokers, topics: [...ALL_TOPICS] });
  try {
    const deadline = Date.now() + options.timeout * 1000;
    const customerId = `demo-flow-${Date.now().toString(36)}`;
    log(`placing ${SAGA_PATHS.length} orders as ${customerId}, one per saga path...`);
    const outcomes = await Promise.all(
      SAGA_PATHS.map(async (path) => {
        const placed = await placeOrderOnPath(session, catalogue, path, {
          customerId,
          deadline,
          onAcknowledged: (orderId) => log(`  ${path}: order ${orderId} placed`),
        });
        const outcome = await follow(session, path, placed.orderId, deadline);
        log(`  ${path}: ${outcome.status}${outcome.problems.length ? ` (${outcome.problems.join('; ')})` : ''}`);
        return { ...outcome, notifications: await notificationsOf(session, outcome.orderId, customerId) };
      }),
    );
    print(outcomes, watcher.positions);
    const problems = outcomes.flatMap((outcome) => outcome.problems.map((problem) => `${outcome.path} order ${outcome.orderId}: ${problem}`));
    for (const outcome of outcomes) {
      if (outcome.notifications.length !== SAGA_EXPECTATIONS[outcome.path].notifications.length) {
        problems.push(`${outcome.path} order ${outcome.orderId}: the gateway lists ${outcome.notifications.length} notifications, expected ${SAGA_EXPECTATIONS[outcome.path].notifications.length}`);
      }
    }
    if (problems.length > 0) {
      log(`demo:flow FAILED: ${problems.length} problem(s):`);
      for (const problem of problems) log(`  ${problem}`);
    } else {
      log('demo:flow: every order took its path, with the expected events and e-mails');
      failed = false;
    }
  } finally {
    await watcher.stop().catch(() => undefined);
  }
} catch (error) {
  log(`demo:flow FAILED: ${(error as Error).message}`);
} finally {
  await session.close();
}
process.exit(failed ? 1 : 0);

function print(outcomes: readonly OrderOutcome[], positions: Parameters<typeof timelineRows>[1]): void {
  for (const outcome of outcomes) {
    const expected = SAGA_EXPECTATIONS[outcome.path];
    const verdict = outcome.problems.length === 0 ? 'as expected' : `NOT as expected: ${outcome.problems.join('; ')}`;
    console.log(`\norder ${outcome.orderId} · path ${outcome.path} · ${outcome.status} (expected ${expected.status}${expected.cancellationReason ? ` ${expected.cancellationReason}` : ''}) · ${verdict}`);
    console.log(renderTable(TIMELINE_HEADERS, timelineRows(outcome.timeline, positions)));
  }
  console.log('\nnotifications sent (as the customer sees them through the gateway)');
  const rows = outcomes.flatMap((outcome) => outcome.notifications.map((n) => [outcome.path, shortId(outcome.orderId), n.type, n.channel, n.recipient, n.subject]));
  console.log(renderTable(['path', 'order', 'type', 'channel', 'recipient', 'subject'], rows));
  console.log('\nsummary');
  console.log(
    renderTable(
      ['path', 'order', 'status', 'events', 'services', 'notifications', 'ms to last event', 'verdict'],
      outcomes.map((outcome) => [
        outcome.path,
        outcome.orderId,
        outcome.status,
        outcome.timeline.length,
        new Set(outcome.timeline.map((entry) => entry.service)).size,
        outcome.notifications.length,
        outcome.timeline.length ? outcome.timeline.at(-1)!.occurredAt.getTime() - outcome.timeline[0]!.occurredAt.getTime() : 0,
        outcome.problems.length === 0 ? 'ok' : 'FAILED',
      ]),
    ),
  );
}
