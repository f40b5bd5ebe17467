// npm run bench:gateway -- [--connections 50] [--duration 20] [--warmup 5] [--only tributary,apollo,hive,hive-router] [--inbound-dedup]
//
// The federation workload of graphql-hive/graphql-gateways-benchmark against four gateways, one
// after another: each gateway in its own process pinned to core 0 (taskset), the four subgraphs
// and this load generator on core 1. Progress on stderr, one table on stdout; exit code 1 when a
// gateway failed or answered wrongly. See README.md in this folder.
import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { Command, Option } from 'commander';
import { generateAssertionKeyPair } from '@tributary/http';
import { composeSupergraph } from '../../src/supergraph/compose.ts';
import { expectedAnswer } from './expected-answer.ts';
import { BENCH_JWT_AUDIENCE, BENCH_JWT_ISSUER } from './gateways/tributary.ts';
import { GATEWAY_KINDS, type GatewayKind, type GatewayProcessArgs } from './gateways/types.ts';
import { cpuPinning, nextMessage, pinSelf, startChild, stopChild } from './ipc.ts';
import { checkAnswer, runLoad } from './load.ts';
import { BENCHMARK_BODY } from './query.ts';
import { signDevToken } from '../../src/auth/dev-token.ts';
import { formatTable, processMemoryMb, type GatewayRow } from './report.ts';
import { BENCH_SUBGRAPHS, SUBGRAPH_SDL } from './subgraph-schemas.ts';

// A fixed development secret: the benchmark's client token is not a secret of any deployment.
const BENCH_JWT_SECRET = 'tributary-federation-benchmark-dev-secret-0123456789';
const START_TIMEOUT_MS = 60_000;

interface Options {
  connections: number;
  duration: number;
  warmup: number;
  only: GatewayKind[];
  inboundDedup: boolean;
}

const log = (line: string) => process.stderr.write(`[bench:gateway] ${line}\n`);

function parseOptions(argv: string[]): Options {
  const positive = (name: string) => (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${value}"`);
    return n;
  };
  const program = new Command('bench:gateway')
    .addOption(new Option('--connections <n>', 'concurrent client connections').argParser(positive('connections')).default(50))
    .addOption(new Option('--duration <seconds>', 'measured seconds per gateway').argParser(positive('duration')).default(20))
    .addOption(new Option('--warmup <seconds>', 'unmeasured seconds before each measurement').argParser(positive('warmup')).default(5))
    .option('--only <list>', `comma-separated subset of ${GATEWAY_KINDS.join(',')}`, GATEWAY_KINDS.join(','))
    .option('--inbound-dedup', 'Hive Gateway: deduplicate identical in-flight client requests, as the public benchmark does', false)
    .parse(argv);
  const raw = program.opts<{ connections: number; duration: number; warmup: number; only: string; inboundDedup: boolean }>();
  const only = raw.only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only.filter((k) => !(GATEWAY_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`--only: unknown gateway(s) ${unknown.join(', ')}; choose from ${GATEWAY_KINDS.join(', ')}`);
  return { ...raw, only: GATEWAY_KINDS.filter((k) => only.includes(k)) };
}

function clientToken(): Promise<string> {
  return signDevToken(BENCH_JWT_SECRET, { customerId: 'bench-client', ttl: '2h', issuer: BENCH_JWT_ISSUER, audience: BENCH_JWT_AUDIENCE });
}

/**
 * The subgraphs' request counts once the gateway has finished the queries still in flight when
 * the load generator stopped: unchanged over two reads 300 ms apart (at most 30 s).
 */
async function settledCounts(subgraphs: ChildProcess): Promise<Record<string, number>> {
  const read = async () => {
    subgraphs.send({ type: 'counts' });
    return (await nextMessage(subgraphs, 'counts', 10_000)).counts;
  };
  const deadline = Date.now() + 30_000;
  let previous = await read();
  for (;;) {
    await delay(300);
    const current = await read();
    if (isDeepStrictEqual(current, previous) || Date.now() > deadline) return current;
    previous = current;
  }
}

const sumDelta = (before: Record<string, number>, after: Record<string, number>) =>
  BENCH_SUBGRAPHS.reduce((sum, name) => sum + (after[name]! - before[name]!), 0);

async function measure(kind: GatewayKind, options: Options, keys: { privateKeyPem: string; publicKeyPem: string }, token: string): Promise<GatewayRow> {
  const expected = expectedAnswer();
  const tributary = kind === 'tributary';
  // Tributary subgraphs verify the gateway's signature on every request; stock gateways do not sign.
  const subgraphs = startChild(new URL('./subgraph-server.ts', import.meta.url), 1, { verifyWith: tributary ? keys.publicKeyPem : null });
  let gateway: ReturnType<typeof startChild> | undefined;
  try {
    const { urls } = await nextMessage(subgraphs, 'ready', START_TIMEOUT_MS);
    const { supergraphSdl } = composeSupergraph(BENCH_SUBGRAPHS.map((name) => ({ name, url: urls[name]!, sdl: SUBGRAPH_SDL[name] })));
    const args: GatewayProcessArgs = { kind, supergraphSdl, signingKeyPem: keys.privateKeyPem, jwtSecret: BENCH_JWT_SECRET, inboundDedup: options.inboundDedup };
    gateway = startChild(new URL('./gateway-server.ts', import.meta.url), 0, args);
    const url = (await nextMessage(gateway, 'ready', START_TIMEOUT_MS)).urls['graphql']!;
    const headers: Record<string, string> = tributary ? { authorization: `Bearer ${token}` } : {};

    const idle = await settledCounts(subgraphs);
    const first = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BENCHMARK_BODY });
    const firstText = await first.text();
    const firstOk = first.status === 200 && checkAnswer(firstText, expected);
    const alone = sumDelta(idle, await settledCounts(subgraphs));
    log(`${kind}: first answer ${firstOk ? 'correct' : `WRONG (HTTP ${first.status}): ${firstText.slice(0, 300)}`} (${firstText.length} bytes)`);

    log(`${kind}: warm-up ${options.warmup}s with ${options.connections} connections`);
    await runLoad({ url, connections: options.connections, durationSeconds: options.warmup, headers, expected });
    const before = await settledCounts(subgraphs);

    log(`${kind}: measuring ${options.duration}s`);
    const result = await runLoad({
      url,
      connections: options.connections,
      durationSeconds: options.duration,
      headers,
      expected,
      onTick: (completed) => log(`${kind}: ${completed} queries so far`),
    });
    // Memory first: read at the end of the load, before the gateway idles.
    const memory = processMemoryMb(gateway.pid);
    const after = await settledCounts(subgraphs);
    const calls = sumDelta(before, after);
    if (result.firstWrong) log(`${kind}: first wrong answer: ${result.firstWrong}`);
    log(`${kind}: ${result.rps.toFixed(1)} RPS, p99 ${result.p99Ms} ms, ${result.wrong} wrong, ${result.errors} errors`);
    return {
      kind,
      rps: result.rps,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      ...memory,
      // Every sent query is processed by the gateway, also those autocannon stopped waiting for.
      subgraphCallsAlone: alone,
      subgraphCallsPerQuery: result.sent > 0 ? calls / result.sent : undefined,
      wrong: result.wrong + (firstOk ? 0 : 1),
      errors: result.errors,
    };
  } finally {
    if (gateway) await stopChild(gateway);
    await stopChild(subgraphs);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv);
  // The load generator shares core 1 with the subgraphs; the gateway has core 0 to itself.
  pinSelf(1);
  log(`CPU pinning: ${cpuPinning() ? 'gateway on core 0, subgraphs and load generator on core 1' : 'taskset not available, no pinning'}`);
  log('Tributary runs as it ships: client JWT verified, subgraph requests signed and verified by the subgraphs');
  const keys = await generateAssertionKeyPair();
  const token = await clientToken();
  const rows: GatewayRow[] = [];
  for (const kind of options.only) {
    try {
      rows.push(await measure(kind, options, keys, token));
    } catch (error) {
      const reason = (error as Error).message.replace(/\s*\n\s*/g, ' ');
      log(`${kind}: NOT MEASURED: ${reason}`);
      rows.push({ kind, skipped: reason });
    }
  }
  process.stdout.write(`${formatTable(rows)}\n`);
  const failed = rows.filter((r) => r.skipped || (r.wrong ?? 0) > 0);
  if (failed.length > 0) {
    process.stderr.write(`bench:gateway: ${failed.map((r) => r.kind).join(', ')} failed or answered wrongly\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:gateway: ${(error as Error).message}\n`);
  process.exit(1);
});
