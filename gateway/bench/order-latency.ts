/**
 * Mutation-to-read-model latency of the first vertical slice on the embedded stack:
 * placeOrder through the gateway -> event store -> outbox relay -> Kafka -> projector ->
 * `orders` read model. Prints p50/p90/p99/max of both the mutation itself and the time until
 * the order is readable from the read model.
 *
 *   npm run bench:orders -- --orders 1000
 */
import { Command } from 'commander';
import { eventually, startStack } from '../test/support/stack.ts';

const options = new Command()
  .option('--orders <n>', 'orders to place, one after another', (v) => Number.parseInt(v, 10), 1000)
  .option('--warmup <n>', 'orders placed first and not measured', (v) => Number.parseInt(v, 10), 50)
  .parse()
  .opts<{ orders: number; warmup: number }>();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `${name.padEnd(28)} ${f(percentile(sorted, 50))} ${f(percentile(sorted, 90))} ${f(percentile(sorted, 99))} ${f(sorted.at(-1)!)}`;
}

// The order slice alone: the saga's other services would add their load to what is measured here.
const stack = await startStack({ services: ['order'] });
try {
  const token = await stack.token('bench-customer');
  const orders = (await stack.db('order')).collection<{ _id: string }>('orders');
  const mutation = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';
  const mutationMs: number[] = [];
  const readModelMs: number[] = [];
  const total = options.warmup + options.orders;
  const began = performance.now();
  for (let i = 0; i < total; i++) {
    const start = performance.now();
    const result = await stack.graphql<{ placeOrder: { id: string } }>(mutation, { input: { items: [{ sku: `SKU-${i % 50}`, quantity: 1 + (i % 5) }] } }, token);
    const id = result.data?.placeOrder.id;
    if (!id) throw new Error(`placeOrder failed: ${JSON.stringify(result.errors)}`);
    const answered = performance.now();
    await eventually(() => orders.findOne({ _id: id }, { projection: { _id: 1 } }), 30_000, `order ${id} in the read model`, 1);
    const projected = performance.now();
    if (i >= options.warmup) {
      mutationMs.push(answered - start);
      readModelMs.push(projected - start);
    }
    if ((i + 1) % 100 === 0) process.stderr.write(`  ${i + 1}/${total} orders\n`);
  }
  const seconds = (performance.now() - began) / 1000;
  console.log(`\norder latency over ${options.orders} orders (sequential, after ${options.warmup} warm-up), milliseconds`);
  console.log(`${'measure'.padEnd(28)} ${'p50'.padStart(7)} ${'p90'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}`);
  console.log(summary('placeOrder response', mutationMs));
  console.log(summary('placeOrder -> read model', readModelMs));
  console.log(`(${(total / seconds).toFixed(0)} orders/s end to end, one at a time; read model polled every millisecond)`);
} finally {
  await stack.stop();
}
