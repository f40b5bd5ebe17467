/**
 * The whole saga under load, deployed as it runs with `npm start`: the launcher starts the
 * embedded Kafka, MongoDB, Redis, payment provider and SMTP sink, the four subgraphs and the
 * gateway, each in its own process. Orders go through the gateway with N sagas in flight; each is
 * reserved by inventory, charged by payment (the dev provider over HTTP), confirmed by order and
 * mailed by notification. An independent kafkajs consumer sees OrderConfirmed on the order topic.
 *
 * Prints confirmed orders/s and place -> CONFIRMED latency (p50/p90/p99/max), then where the
 * time went: CPU seconds per process, and each service's handler time per consumer group and
 * outbox publish latency, scraped from its /metrics.
 *
 *   npm run bench:saga -- --orders 2000 --concurrency 50
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EVENT_HEADERS } from '@tributary/bus';
import { TOPICS } from '@tributary/contracts';
import { Command } from 'commander';
import { SignJWT } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import { parseStackConfig } from '../../compose/embedded/stack/src/config.ts';
import { launchStack } from '../../compose/embedded/stack/src/launch.ts';
import { treeCpuSeconds } from './saga/process-cpu.ts';
import { handlerTimes, outboxLatency } from './saga/prometheus-text.ts';

const options = new Command()
  .option('--orders <n>', 'orders to place', (v) => Number.parseInt(v, 10), 2000)
  .option('--concurrency <n>', 'sagas in flight at once', (v) => Number.parseInt(v, 10), 50)
  .option('--products <n>', 'distinct skus (more spreads stock contention)', (v) => Number.parseInt(v, 10), 24)
  .option('--timeout <s>', 'give up when the orders have not all finished by then', (v) => Number.parseInt(v, 10), 600)
  .parse()
  .opts<{ orders: number; concurrency: number; products: number; timeout: number }>();

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
const log = (line: string) => process.stderr.write(`${line}\n`);

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-bench-saga-'));
const ports = { GATEWAY_PORT: '0', KAFKA_PORT: '0', MONGO_PORT: '0', REDIS_PORT: '0', PAYMENT_PROVIDER_PORT: '0', SMTP_PORT: '0' };
const config = parseStackConfig({ ...process.env, ...ports, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ORDER_DEADLINE_MS: '3600000' });
log(`starting the stack in ${dataDir} (each server and service in its own process)...`);
const stack = await launchStack({ config, sink: (name, stream, line) => stream === 'stderr' && /error|fatal/i.test(line) && log(`[${name}] ${line}`) });
const secret = (await readFile(path.join(dataDir, 'auth', 'jwt-secret'), 'utf8')).trim();
const token = (customerId: string, role = 'customer') =>
  new SignJWT({ role }).setProtectedHeader({ alg: 'HS256' }).setSubject(customerId).setIssuer('tributary').setAudience('tributary').setExpirationTime('2h').sign(new TextEncoder().encode(secret));
async function graphql<T>(query: string, variables: Record<string, unknown>, bearer: string): Promise<{ data?: T; errors?: unknown[] }> {
  const response = await fetch(stack.gatewayUrl!, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: T; errors?: unknown[] };
}

const watcher = new Kafka({ clientId: 'bench-watch', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 50 });
try {
  const admin = await token('bench-admin', 'admin');
  const skus: string[] = [];
  for (let i = 0; i < options.products; i++) {
    const sku = `BENCH-${i}`;
    const added = await graphql(`mutation($input: AddProductInput!) { addProduct(input: $input) { sku } }`, { input: { sku, name: `Bench product ${i}`, priceCents: 100 + i, stock: 1_000_000 } }, admin);
    if (added.errors) throw new Error(JSON.stringify(added.errors));
    skus.push(sku);
  }

  const placedAt = new Map<string, number>();
  const confirmedMs: number[] = [];
  let cancelled = 0;
  let done = 0;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  await watcher.connect();
  await watcher.subscribe({ topic: TOPICS.order, fromBeginning: false });
  await watcher.run({
    eachMessage: async ({ message }) => {
      const type = message.headers?.[EVENT_HEADERS.eventType]?.toString();
      const id = message.key?.toString() ?? '';
      const start = placedAt.get(id);
      if (start === undefined || (type !== 'OrderConfirmed' && type !== 'OrderCancelled')) return;
      if (type === 'OrderConfirmed') confirmedMs.push(performance.now() - start);
      else cancelled++;
      placedAt.delete(id);
      if (++done === options.orders) finished();
    },
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const customers = await Promise.all(Array.from({ length: 20 }, (_, i) => token(`bench-customer-${i}`)));
  const cpuBefore = new Map(await Promise.all(stack.children.map(async (child) => [child.name, await treeCpuSeconds(child.pid)] as const)));
  const mutation = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';
  let next = 0;
  const began = performance.now();
  async function client(): Promise<void> {
    while (next < options.orders) {
      const i = next++;
      const start = performance.now();
      const first = skus[i % skus.length]!;
      const second = skus[(i * 7 + 3) % skus.length]!;
      const items = first === second ? [{ sku: first, quantity: 2 }] : [{ sku: first, quantity: 1 }, { sku: second, quantity: 1 }];
      const result = await graphql<{ placeOrder: { id: string } }>(mutation, { input: { items } }, customers[i % customers.length]!);
      const id = result.data?.placeOrder.id;
      if (!id) throw new Error(`placeOrder failed: ${JSON.stringify(result.errors)}`);
      placedAt.set(id, start);
      // Bounded sagas in flight, not only requests: wait while too many are unfinished.
      while (placedAt.size >= options.concurrency) await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  const progress = setInterval(() => log(`  ${done}/${options.orders} orders final, ${placedAt.size} in flight`), 5_000);
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${done}/${options.orders} orders finished within ${options.timeout} s`)), options.timeout * 1000).unref());
  await Promise.race([allDone, timeout]);
  clearInterval(progress);
  const seconds = (performance.now() - began) / 1000;

  const sorted = [...confirmedMs].sort((a, b) => a - b);
  const f = (n: number, width = 8) => n.toFixed(1).padStart(width);
  console.log(`\nsaga throughput: ${options.orders} orders, ${options.concurrency} in flight, ${options.products} skus, ${os.cpus().length} cores`);
  console.log(`confirmed ${confirmedMs.length}, cancelled ${cancelled}, in ${seconds.toFixed(1)} s: ${(confirmedMs.length / seconds).toFixed(1)} confirmed orders/s`);
  console.log(`place -> CONFIRMED (ms)  ${'p50'.padStart(8)}${'p90'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`);
  console.log(`${''.padEnd(24)}${f(percentile(sorted, 50))}${f(percentile(sorted, 90))}${f(percentile(sorted, 99))}${f(sorted.at(-1) ?? Number.NaN)}`);

  console.log(`\nCPU seconds per process during the run (${seconds.toFixed(1)} s wall, ${os.cpus().length} cores)`);
  const cpu = await Promise.all(stack.children.map(async (child) => ({ name: child.name, seconds: (await treeCpuSeconds(child.pid)) - (cpuBefore.get(child.name) ?? 0) })));
  for (const { name, seconds: used } of cpu.sort((a, b) => b.seconds - a.seconds)) console.log(`  ${name.padEnd(18)}${f(used)} s  ${f((used / seconds) * 100, 6)} % of one core`);
  console.log(`  ${'bench client'.padEnd(18)}${f((process.cpuUsage().user + process.cpuUsage().system) / 1e6)} s`);

  console.log('\nhandler time per consumer group, and outbox publish latency per commit (from each subgraph\'s /metrics)');
  console.log(`  ${'consumer group'.padEnd(34)}${'topic'.padEnd(24)}${'events'.padStart(8)}${'mean ms'.padStart(9)}${'busy s'.padStart(8)}`);
  for (const subgraph of stack.subgraphs) {
    const text = await (await fetch(subgraph.url.replace(/\/graphql$/, '/metrics'))).text();
    for (const time of handlerTimes(text)) {
      console.log(`  ${time.group.padEnd(34)}${time.topic.padEnd(24)}${String(time.count).padStart(8)}${(time.count ? (time.seconds / time.count) * 1000 : 0).toFixed(2).padStart(9)}${time.seconds.toFixed(1).padStart(8)}`);
    }
    const latency = outboxLatency(text);
    console.log(`  ${`${subgraph.name} outbox -> Kafka ack`.padEnd(58)}${String(latency.commits).padStart(8)}${latency.meanMs.toFixed(2).padStart(9)}`);
  }
} finally {
  await watcher.disconnect().catch(() => undefined);
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
