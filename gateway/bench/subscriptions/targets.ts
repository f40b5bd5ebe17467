/**
 * The two servers a configuration is measured on, behind one interface: the gateway (events
 * emitted by the upstream subgraph it subscribes to) and the floor (events emitted in process).
 */
import type { BenchProcess } from './processes.ts';
import { startProcess } from './processes.ts';

export type ServerKind = 'gateway' | 'floor';

export interface Target {
  kind: ServerKind;
  wsUrl: string;
  /** Subscriptions the server holds open right now (what "all subscribed" is checked against). */
  activeSubscriptions(): Promise<number>;
  /** Subscriptions the gateway holds to its subgraph (shared ones count once); undefined for the floor. */
  upstreams(): Promise<number | undefined>;
  /** Starts the fan-out of one event; resolves with its sentAt, stamped where it is emitted. */
  emit(seq: number, bodyBytes: number): Promise<number>;
  /** When the server under test last wrote to a client socket (monotonic ms). */
  lastSendAt(): Promise<number>;
  memory(): Promise<{ rss: number; heapUsed: number }>;
  cpuMs(): Promise<number>;
  server: BenchProcess;
  stop(): Promise<void>;
}

export interface GatewayInputs {
  upstream: BenchProcess;
  supergraphSdl: string;
  privateKeyPem: string;
  jwtSecret: string;
}

/** The value of one sample (no labels besides the registry's defaults) in Prometheus text. */
export function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : Number.NaN;
}

function common(server: BenchProcess): Pick<Target, 'memory' | 'cpuMs' | 'lastSendAt' | 'server' | 'stop'> {
  return {
    server,
    lastSendAt: () => server.channel.call('lastSend'),
    memory: () => server.channel.call('memory', undefined, 60_000),
    cpuMs: () => server.channel.call('cpu'),
    stop: () => server.stop(),
  };
}

export async function startGatewayTarget(inputs: GatewayInputs, options: { cpus?: string }): Promise<Target> {
  const server = startProcess('gateway', 'gateway/bench/subscriptions/gateway-process.ts', {
    ...(options.cpus ? { cpus: options.cpus } : {}),
    env: { BENCH_SUPERGRAPH_SDL: inputs.supergraphSdl, BENCH_PRIVATE_KEY_PEM: inputs.privateKeyPem, BENCH_JWT_SECRET: inputs.jwtSecret },
  });
  const { url, metricsUrl } = (await server.ready) as { url: string; metricsUrl: string };
  const metrics = async () => (await fetch(metricsUrl, { signal: AbortSignal.timeout(30_000) })).text();
  return {
    kind: 'gateway',
    wsUrl: url,
    activeSubscriptions: async () => metricValue(await metrics(), 'gateway_subscriptions_active'),
    upstreams: async () => metricValue(await metrics(), 'gateway_subscription_upstreams_active'),
    emit: (seq, bodyBytes) => inputs.upstream.channel.call('emit', { seq, bodyBytes }),
    ...common(server),
  };
}

export async function startFloorTarget(options: { cpus?: string }): Promise<Target> {
  const server = startProcess('floor', 'gateway/bench/subscriptions/floor-process.ts', options.cpus ? { cpus: options.cpus } : {});
  const { url } = (await server.ready) as { url: string };
  return {
    kind: 'floor',
    wsUrl: url,
    activeSubscriptions: () => server.channel.call('active'),
    upstreams: async () => undefined,
    emit: (seq, bodyBytes) => server.channel.call('emit', { seq, bodyBytes }),
    ...common(server),
  };
}
