/**
 * One configuration on one server: warm up, measure memory, connect N subscribers, measure
 * memory again, then emit events one fan-out at a time and collect every client's latencies.
 */
import { coreBusyMs } from './core-load.ts';
import type { BenchProcess } from './processes.ts';
import { PULSES_SUBSCRIPTION } from './pulses.ts';
import type { Target } from './targets.ts';

export interface ScenarioOptions {
  subscribers: number;
  /** Callers the subscribers are spread over (0: all anonymous, one shared upstream). */
  tokens: string[];
  events: number;
  /** Events sent with everyone subscribed but not measured (first fan-outs at full size). */
  warmupEvents: number;
  gapMs: number;
  bodyBytes: number;
  batch: number;
  /** Longest wait for one event to reach every subscriber before it counts as missing. */
  eventTimeoutMs: number;
  /** Called with "connected so far" while connecting. */
  progress(connected: number): void;
  /** The CPU the server is pinned to, if it is: its load by others is reported. */
  serverCpu?: string;
  /** Runs around the measured events (the gateway's CPU profile). */
  around?: { before(): Promise<void>; after(): Promise<void> };
}

export interface ScenarioResult {
  connectSeconds: number;
  latencies: number[];
  missing: number;
  duplicates: number;
  problems: string[];
  rssPerSubscriber: number;
  heapPerSubscriber: number;
  upstreams: number | undefined;
  cpuMsPerEvent: number;
  /** Per measured event: sentAt -> the server's last write to a client socket (ms). */
  serverFanOutMs: number[];
  /** Share of the server's core that other processes used during the measured events (0..1). */
  otherLoad: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds, or fails with `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: () => Promise<string> | string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000} s: ${await what()}`);
    await sleep(50);
  }
}

/** How many subscribers each client process opens (the first ones take the remainder). */
function split(total: number, clients: number): number[] {
  return Array.from({ length: clients }, (_, i) => Math.floor(total / clients) + (i < total % clients ? 1 : 0));
}

export async function runScenario(target: Target, clients: BenchProcess[], options: ScenarioOptions): Promise<ScenarioResult> {
  const delivered = new Map<number, Set<string>>();
  const unlisten = clients.map((client) =>
    client.channel.on('delivered', (seq) => {
      const set = delivered.get(seq as number) ?? new Set();
      set.add(client.name);
      delivered.set(seq as number, set);
    }),
  );
  let seq = 0;
  const serverFanOutMs: number[] = [];
  /** Emits one event and waits until every participating client has it (or the timeout). */
  async function fanOut(participants: BenchProcess[]): Promise<number> {
    seq += 1;
    const current = seq;
    const sentAt = await target.emit(current, options.bodyBytes);
    const deadline = Date.now() + options.eventTimeoutMs;
    while ((delivered.get(current)?.size ?? 0) < participants.length && Date.now() < deadline) await sleep(2);
    serverFanOutMs.push((await target.lastSendAt()) - sentAt);
    await sleep(options.gapMs);
    return current;
  }
  const open = (client: BenchProcess, count: number, firstSubscriber = 0) =>
    client.channel.call<number>('open', { url: target.wsUrl, query: PULSES_SUBSCRIPTION, count, batch: options.batch, tokens: options.tokens, firstSubscriber }, 300_000);
  const waitActive = (count: number, timeoutMs: number) =>
    until(async () => (await target.activeSubscriptions()) === count, timeoutMs, async () => `the ${target.kind} holds ${await target.activeSubscriptions()} subscriptions, expected ${count}`);

  try {
    // Warm-up at small scale: the first subscription and the first events compile the code paths
    // (planner, executor, JIT) that would otherwise count as memory per subscriber.
    const warm = clients[0]!;
    await open(warm, 20);
    await waitActive(20, 30_000);
    for (let i = 0; i < 3; i += 1) await fanOut([warm]);
    await warm.channel.call('close');
    await waitActive(0, 30_000);
    const before = await target.memory();

    const counts = split(options.subscribers, clients.length);
    const participants = clients.filter((_, i) => counts[i]! > 0);
    const connected = clients.map(() => 0);
    const offProgress = clients.map((client, i) =>
      client.channel.on('progress', (count) => {
        connected[i] = count as number;
        options.progress(connected.reduce((a, b) => a + b, 0));
      }),
    );
    const began = performance.now();
    await Promise.all(
      participants.map((client) => {
        const i = clients.indexOf(client);
        return open(client, counts[i]!, counts.slice(0, i).reduce((a, b) => a + b, 0));
      }),
    );
    await waitActive(options.subscribers, 120_000);
    const connectSeconds = (performance.now() - began) / 1000;
    for (const off of offProgress) off();
    const after = await target.memory();
    const upstreams = await target.upstreams();

    for (let i = 0; i < options.warmupEvents; i += 1) await fanOut(participants);
    await options.around?.before();
    const cpuBefore = await target.cpuMs();
    const coreBefore = options.serverCpu ? await coreBusyMs(options.serverCpu) : Number.NaN;
    const phaseBegan = performance.now();
    serverFanOutMs.length = 0;
    const measured: number[] = [];
    for (let i = 0; i < options.events; i += 1) measured.push(await fanOut(participants));
    // The gap after each event is idle time: it adds nothing to the server's CPU figure.
    const serverCpuMs = (await target.cpuMs()) - cpuBefore;
    const cpuMsPerEvent = serverCpuMs / options.events;
    const otherLoad = options.serverCpu ? Math.max(0, (await coreBusyMs(options.serverCpu)) - coreBefore - serverCpuMs) / (performance.now() - phaseBegan) : Number.NaN;
    await options.around?.after();

    const parts = await Promise.all(
      participants.map((client) => client.channel.call<{ latencies: number[]; missing: number; duplicates: number; problems: string[] }>('collect', { seqs: measured })),
    );
    return {
      connectSeconds,
      latencies: parts.flatMap((p) => p.latencies),
      missing: parts.reduce((sum, p) => sum + p.missing, 0),
      duplicates: parts.reduce((sum, p) => sum + p.duplicates, 0),
      problems: parts.flatMap((p) => p.problems).slice(0, 10),
      rssPerSubscriber: (after.rss - before.rss) / options.subscribers,
      heapPerSubscriber: (after.heapUsed - before.heapUsed) / options.subscribers,
      upstreams,
      cpuMsPerEvent,
      serverFanOutMs,
      otherLoad,
    };
  } finally {
    for (const off of unlisten) off();
    await Promise.all(clients.map((client) => client.channel.call('close', undefined, 60_000).catch(() => undefined)));
  }
}
