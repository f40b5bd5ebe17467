/**
 * Subscription fan-out on one gateway process, next to a bare graphql-ws server (the floor)
 * over the same events in the same run. Each side is its own process on 127.0.0.1: the upstream
 * subgraph (graphql-ws through attachSubscriptionServer, emitting when told), the gateway
 * (createGatewayApp over it) or the floor, and 1-2 load client processes holding the
 * subscribers; the server under test is pinned to one core when taskset is there.
 *
 * Per subscriber count and server: connect N subscribers (one subscription each), memory per
 * subscriber (RSS and heap after a forced GC, before and after connecting), then E events one
 * fan-out at a time: event -> client latency p50/p99/max over every delivery, and deliveries
 * missing. Prints the table and whether the issue's targets hold at 10,000 subscribers.
 *
 *   npm run bench:subscriptions -- [--subscribers 1000,5000,10000] [--callers 0,100] [--events 20] [--cpu-prof]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { generateAssertionKeyPair } from '@tributary/http';
import { signDevToken } from '../src/auth/dev-token.ts';
import { composeSupergraph } from '../src/supergraph/compose.ts';
import { summarizeCpuProfile, summarizeHeapProfile } from './subscriptions/profile-summary.ts';
import { killAll, openFileLimit, planCpus, startProcess, type BenchProcess } from './subscriptions/processes.ts';
import { SUBGRAPH_NAME } from './subscriptions/pulses.ts';
import { table, verdicts, type Row } from './subscriptions/report.ts';
import { runScenario } from './subscriptions/scenario.ts';
import { startFloorTarget, startGatewayTarget, type ServerKind, type Target } from './subscriptions/targets.ts';

const counts = (value: string) =>
  value.split(',').map((part) => {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a comma-separated list of whole numbers');
    return n;
  });
const int = (value: string) => counts(value)[0]!;
const options = new Command()
  .option('--subscribers <list>', 'subscriber counts to measure', counts, [1000, 5000, 10000])
  .option('--callers <list>', 'callers the subscribers are spread over; 0 = all anonymous (one shared upstream)', counts, [0])
  .option('--servers <list>', 'servers to measure', (v) => v.split(',') as ServerKind[], ['floor', 'gateway'] as ServerKind[])
  .option('--events <n>', 'measured events per configuration', int, 20)
  .option('--warmup-events <n>', 'events sent with everyone subscribed, not measured', int, 2)
  .option('--gap <ms>', 'pause after each fan-out completes, before the next event', int, 250)
  .option('--body-bytes <n>', 'padding per event (an order event is a few hundred bytes)', int, 256)
  .option('--clients <n>', 'load client processes', int, 2)
  .option('--batch <n>', 'WebSocket handshakes in flight per client process', int, 200)
  .option('--timeout <s>', 'abort the whole run after this long', int, 600)
  .option('--cpu-prof', 'CPU-profile each server during the measured events and print where the time went (largest run)')
  .option('--alloc-prof', 'with --cpu-prof: also sample allocations (what keeps the GC busy)')
  .parse()
  .opts<{
    subscribers: number[];
    callers: number[];
    servers: ServerKind[];
    events: number;
    warmupEvents: number;
    gap: number;
    bodyBytes: number;
    clients: number;
    batch: number;
    timeout: number;
    cpuProf?: boolean;
    allocProf?: boolean;
  }>();

const log = (line: string) => process.stderr.write(`${line}\n`);
// Once: an abort kills the processes, and the run it interrupts then fails too (that says nothing new).
let failing: Promise<void> | undefined;
const fail = (message: string, rows: Row[]) =>
  (failing ??= (async () => {
    if (rows.length > 0) console.log(`\nmeasured before stopping:\n${table(rows)}`);
    log(`\n${message}`);
    await killAll();
    process.exit(1);
  })());

const rows: Row[] = [];
let phase = 'starting';
process.once('SIGINT', () => void fail('interrupted', rows));
process.once('SIGTERM', () => void fail('terminated', rows));
setTimeout(() => void fail(`aborted: the run took longer than --timeout ${options.timeout} s (while ${phase})`, rows), options.timeout * 1000).unref();

const cpus = planCpus();
const largest = Math.max(...options.subscribers);
const limit = openFileLimit();
log(`subscription fan-out: ${options.subscribers.join(', ')} subscribers; ${options.events} events of ${options.bodyBytes} B each (+${options.warmupEvents} warm-up), ${options.gap} ms apart`);
log(`${cpus.description}; node ${process.version}; open files (ulimit -n): ${limit}`);
// The figures are only as quiet as the machine: say when something else is using it.
const loadNote = () => `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`;
log(loadNote());
// One descriptor per WebSocket in the server process, plus its own files and the upstream link.
if (limit < largest + 200) await fail(`ulimit -n is ${limit}: ${largest} subscribers need at least ${largest + 200} open files per process; raise it (ulimit -n 20000) or lower --subscribers`, rows);

const keys = await generateAssertionKeyPair();
const jwtSecret = randomBytes(32).toString('base64url');
const profileDir = options.cpuProf ? await mkdtemp(path.join(os.tmpdir(), 'tributary-bench-subscriptions-')) : undefined;
const profiles: { row: string; files: string[] }[] = [];

phase = 'starting the upstream subgraph and the load clients';
const others = cpus.others ? { cpus: cpus.others } : {};
const upstream = startProcess('upstream', 'gateway/bench/subscriptions/upstream-process.ts', { ...others, env: { BENCH_PUBLIC_KEY_PEM: keys.publicKeyPem } });
const clients: BenchProcess[] = Array.from({ length: Math.max(1, options.clients) }, (_, i) => startProcess(`client-${i + 1}`, 'gateway/bench/subscriptions/load-client.ts', others));
try {
  const { url, sdl } = (await upstream.ready) as { url: string; sdl: string };
  await Promise.all(clients.map((client) => client.ready));
  const { supergraphSdl } = composeSupergraph([{ name: SUBGRAPH_NAME, url, sdl }]);

  for (const callers of options.callers) {
    const tokens = await Promise.all(Array.from({ length: callers }, (_, i) => signDevToken(jwtSecret, { customerId: `bench-${i}`, ttl: '2h' })));
    for (const subscribers of options.subscribers) {
      for (const server of ['floor', 'gateway'] as const) {
        if (!options.servers.includes(server)) continue;
        const label = `${server}, ${subscribers} subscribers${callers ? `, ${callers} callers` : ''}`;
        phase = `starting the ${label}`;
        const serverCpus = cpus.server ? { cpus: cpus.server } : {};
        const target: Target =
          server === 'gateway' ? await startGatewayTarget({ upstream, supergraphSdl, privateKeyPem: keys.privateKeyPem, jwtSecret }, serverCpus) : await startFloorTarget(serverCpus);
        try {
          phase = `measuring the ${label}`;
          const profileFile = profileDir ? path.join(profileDir, `${server}-${subscribers}-${callers}`) : undefined;
          const result = await runScenario(target, clients, {
            subscribers,
            tokens,
            events: options.events,
            warmupEvents: options.warmupEvents,
            gapMs: options.gap,
            bodyBytes: options.bodyBytes,
            batch: options.batch,
            eventTimeoutMs: 15_000,
            ...(cpus.server ? { serverCpu: cpus.server } : {}),
            progress: progressLine(label, subscribers),
            ...(profileFile
              ? {
                  around: {
                    before: () => target.server.channel.call('profileStart', { alloc: options.allocProf ?? false }),
                    after: async () => void profiles.push({ row: label, files: await target.server.channel.call<string[]>('profileStop', { file: profileFile }) }),
                  },
                }
              : {}),
          });
          rows.push({ ...result, subscribers, callers, server });
          const duplicates = result.duplicates ? `, ${result.duplicates} delivered twice` : '';
          log(`  ${label}: connected in ${result.connectSeconds.toFixed(1)} s, ${result.latencies.length} deliveries measured, ${result.missing} missing${duplicates}`);
          for (const problem of result.problems) log(`    ${problem}`);
        } finally {
          await target.stop();
        }
      }
    }
  }
} catch (error) {
  await fail(`failed while ${phase}: ${error instanceof Error ? error.message : String(error)}`, rows);
}

console.log(`\nsubscription fan-out (${cpus.description}; ${loadNote()} at the end)`);
console.log('p50/p99/max: sentAt (monotonic clock, where the event is emitted) -> received by a load client, over every delivery');
console.log('srv p50/max: per event, sentAt -> the server\'s last write to a client socket (its share of the fan-out)');
console.log('cpu ms/ev: server CPU per event; RSS/heap per sub: growth per subscriber after a forced GC; x: gateway / floor');
console.log('other %: share of the server\'s core used by other processes (or stolen) while it was measured: high means noisy figures');
console.log(table(rows));
console.log('');
for (const line of verdicts(rows)) console.log(line);
// The largest configuration of each server: the one the targets are about.
for (const { row, files } of profiles.slice(-2)) {
  console.log(`\nprofile of the measured events (${row})\n${await summarizeCpuProfile(files[0]!)}`);
  if (files[1]) console.log(await summarizeHeapProfile(files[1], options.events));
}
if (profileDir) console.log(`\nall profiles in ${profileDir} (open them in Chrome DevTools or speedscope)`);

await Promise.all([upstream, ...clients].map((child) => child.stop()));
process.exit(0);

/** "connecting…" on one rewritten line in a terminal, a line per quarter otherwise. */
function progressLine(label: string, total: number): (connected: number) => void {
  let lastQuarter = 0;
  return (connected) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r  ${label}: ${connected}/${total} connected${connected === total ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor((connected / total) * 4);
    if (quarter > lastQuarter) {
      lastQuarter = quarter;
      log(`  ${label}: ${connected}/${total} connected`);
    }
  };
}
