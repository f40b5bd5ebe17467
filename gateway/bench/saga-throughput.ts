/**
 * The whole saga under load on the embedded stack, in one process: orders placed through the
 * gateway with N in flight, each reserved by inventory, charged by payment (the dev provider over
 * HTTP), confirmed by order and notified by notification. Prints confirmed orders per second and
 * place -> CONFIRMED latency (p50/p90/p99/max), then where the time went: each consumer's handler
 * time and the outbox relays' lag, read from the services' own Prometheus registries.
 *
 *   npm run bench:saga -- --orders 2000 --concurrency 50
 */
import { randomUUID } from 'node:crypto';
import { EVENT_HEADERS } from '@tributary/bus';
import { TOPICS } from '@tributary/contracts';
import { Command } from 'commander';
import { startStack, type SubgraphName } from '../test/support/stack.ts';

const options = new Command()
  .option('--orders <n>', 'orders to place', (v) => Number.parseInt(v, 10), 2000)
  .option('--concurrency <n>', 'orders in flight at once', (v) => Number.parseInt(v, 10), 50)
  .option('--products <n>', 'distinct skus (more spreads stock contention)', (v) => Number.parseInt(v, 10), 24)
  .parse()
  .opts<{ orders: number; concurrency: number; products: number }>();

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

process.stderr.write('starting the stack (embedded Kafka, MongoDB, provider, SMTP sink, four subgraphs, gateway)...\n');
const stack = await startStack({ orderDeadlineMs: 600_000 });
const kafka = stack.infra.kafka('bench-watch');
const watcher = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 50 });
try {
  const admin = await stack.token('bench-admin', 'admin');
  const skus: string[] = [];
  for (let i = 0; i < options.products; i++) {
    const sku = `BENCH-${i}`;
    const added = await stack.graphql(`mutation($input: AddProductInput!) { addProduct(input: $input) { sku } }`, { input: { sku, name: `Bench product ${i}`, priceCents: 100 + i, stock: 1_000_000 } }, admin);
    if (added.errors) throw new Error(JSON.stringify(added.errors));
    skus.push(sku);
  }

  // An independent kafkajs consumer sees OrderConfirmed on the order topic: no polling of the API.
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

  const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => stack.token(`bench-customer-${i}`)));
  const mutation = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';
  let next = 0;
  const began = performance.now();
  async function worker(): Promise<void> {
    while (next < options.orders) {
      const i = next++;
      const start = performance.now();
      const items = [{ sku: skus[i % skus.length]!, quantity: 1 }, { sku: skus[(i * 7 + 3) % skus.length]!, quantity: 1 }].filter((item, j, all) => all.findIndex((o) => o.sku === item.sku) === j);
      const result = await stack.graphql<{ placeOrder: { id: string } }>(mutation, { input: { items } }, tokens[i % tokens.length]);
      const id = result.data?.placeOrder.id;
      if (!id) throw new Error(`placeOrder failed: ${JSON.stringify(result.errors)}`);
      placedAt.set(id, start);
      // Bounded in-flight sagas, not only in-flight requests: wait while too many are unfinished.
      while (placedAt.size >= options.concurrency) await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  const progress = setInterval(() => process.stderr.write(`  ${done}/${options.orders} orders final\n`), 2_000);
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const timeout = new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`only ${done}/${options.orders} orders finished within 120 s`)), 120_000));
  await Promise.race([allDone, timeout]);
  clearInterval(progress);
  const seconds = (performance.now() - began) / 1000;

  const sorted = [...confirmedMs].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1).padStart(8);
  console.log(`\nsaga throughput: ${options.orders} orders, ${options.concurrency} in flight, ${options.products} skus, 2 lines per order`);
  console.log(`confirmed ${confirmedMs.length}, cancelled ${cancelled}, in ${seconds.toFixed(1)} s: ${(confirmedMs.length / seconds).toFixed(1)} confirmed orders/s`);
  console.log(`place -> CONFIRMED (ms)   ${'p50'.padStart(8)}${'p90'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`);
  console.log(`${''.padEnd(24)} ${f(percentile(sorted, 50))}${f(percentile(sorted, 90))}${f(percentile(sorted, 99))}${f(sorted.at(-1) ?? NaN)}`);

  console.log('\nwhere the time goes (from each service\'s /metrics registry)');
  console.log(`${'service'.padEnd(14)}${'consumer topic'.padEnd(24)}${'events'.padStart(8)}${'mean ms'.padStart(9)}${'busy s'.padStart(8)}`);
  for (const [name, service] of Object.entries(stack.services) as [SubgraphName, NonNullable<(typeof stack.services)[SubgraphName]>][]) {
    const metrics = await service.runtime.metrics.getMetricsAsJSON();
    const handle = metrics.find((m) => m.name === 'tributary_consumer_handle_seconds');
    const byTopic = new Map<string, { sum: number; count: number }>();
    for (const value of (handle?.values ?? []) as { metricName?: string; labels: Record<string, string | number>; value: number }[]) {
      const topic = String(value.labels.topic);
      const entry = byTopic.get(topic) ?? { sum: 0, count: 0 };
      if (value.metricName?.endsWith('_sum')) entry.sum = value.value;
      if (value.metricName?.endsWith('_count')) entry.count = value.value;
      byTopic.set(topic, entry);
    }
    for (const [topic, { sum, count }] of byTopic) {
      console.log(`${name.padEnd(14)}${topic.padEnd(24)}${String(count).padStart(8)}${(count ? (sum / count) * 1000 : 0).toFixed(2).padStart(9)}${sum.toFixed(1).padStart(8)}`);
    }
    const lag = metrics.find((m) => m.name === 'tributary_outbox_lag_seconds');
    const values = (lag?.values ?? []) as { metricName?: string; value: number }[];
    const sum = values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    console.log(`${name.padEnd(14)}${'outbox -> Kafka lag'.padEnd(24)}${String(count).padStart(8)}${(count ? (sum / count) * 1000 : 0).toFixed(2).padStart(9)}`);
  }
  const usage = process.cpuUsage();
  console.log(`\nprocess CPU: ${((usage.user + usage.system) / 1e6).toFixed(1)} s over ${seconds.toFixed(1)} s wall (everything runs in this one Node process)`);
} finally {
  await watcher.disconnect().catch(() => undefined);
  await stack.stop();
}
