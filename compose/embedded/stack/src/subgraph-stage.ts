import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConnectionString } from 'mongodb-connection-string-url';
import type { StackConfig } from './config.ts';
import type { ServerAddresses, SpecFactory } from './embedded-servers.ts';
import { pickPorts } from './ports.ts';
import { replicaName, replicaPort } from './scale.ts';
import { SUBGRAPHS, SUBGRAPH_READY, subgraphEnv, type SubgraphEntry } from './services.ts';
import type { Supervisor } from './supervisor.ts';

/**
 * The subgraph stage: every subgraph whose entry file exists, each as many times as
 * StackConfig.scale asks, and later replicas on request. All instances of a subgraph share its
 * database and environment (so they join the same Kafka consumer groups) and differ only in PORT.
 */

/** A service's MONGO_URL: the server URL with the service's own database as its path. */
export function mongoUrlFor(serverUrl: string, database: string): string {
  const url = new ConnectionString(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** One running process of a subgraph: `name` is its child name (inventory, inventory-2...). */
export interface SubgraphInstance {
  name: string;
  subgraph: string;
  url: string;
}

export interface SubgraphStageOptions {
  config: StackConfig;
  servers: Omit<ServerAddresses, 'skipped'>;
  /** undefined when the user brought their own key (their GATEWAY_PUBLIC_KEY(_FILE) passes through). */
  gatewayPublicKeyFile?: string;
  /** What the services get to trace (services.ts tracingEnv). */
  traced: Record<string, string>;
  watch?: boolean;
  supervisor: Supervisor;
  spec: SpecFactory;
  log: (message: string) => void;
}

export interface SubgraphStage {
  /** Subgraphs not started: their entry file does not exist yet. */
  skipped: string[];
  /** Every instance started, in SUBGRAPHS order, each subgraph's primary before its replicas. */
  instances: SubgraphInstance[];
  /** Each started subgraph's own variables (those of its primary). */
  envs: Map<string, Record<string, string>>;
  /** Starts one more instance of a started subgraph (the next free name), not routed by the gateway. */
  addReplica(subgraph: string): Promise<SubgraphInstance>;
}

export async function startSubgraphs(options: SubgraphStageOptions): Promise<SubgraphStage> {
  const { config, servers, supervisor } = options;
  const skipped: string[] = [];
  const present = SUBGRAPHS.filter((subgraph) => {
    const exists = existsSync(path.join(config.repoRoot, subgraph.entry));
    if (!exists) {
      options.log(`skipping ${subgraph.name}: ${subgraph.entry} does not exist yet`);
      skipped.push(subgraph.name);
    }
    return exists;
  });
  const envFor = (subgraph: SubgraphEntry, port: number) =>
    subgraphEnv(
      subgraph,
      {
        port: String(port),
        kafkaBrokers: servers.kafkaBrokers.join(','),
        mongoUrl: mongoUrlFor(servers.mongoUrl, subgraph.database),
        redisUrl: servers.redisUrl,
        gatewayPublicKeyFile: options.gatewayPublicKeyFile,
        paymentProviderUrl: servers.paymentProviderUrl,
        smtpUrl: servers.smtpUrl,
      },
      config.baseEnv,
    );
  const specFor = (subgraph: SubgraphEntry, name: string, port: number) =>
    options.spec(name, subgraph.entry, { ...envFor(subgraph, port), ...options.traced }, { readyPattern: SUBGRAPH_READY, watch: options.watch });

  // Each instance on its preferred port (replicas: the subgraph's + 100 per replica) or a free one.
  // GATEWAY_PORT=0 (tests, demos) means free ports throughout: stacks started side by side then
  // never race each other, or a developer's own stack, for 4001-4004.
  const preferredPort = (subgraph: SubgraphEntry, index: number) => (config.gatewayPort === 0 ? 0 : replicaPort(subgraph.port, index));
  const planned = present.flatMap((subgraph) =>
    Array.from({ length: config.scale[subgraph.name] ?? 1 }, (_, i) => ({ subgraph, index: i + 1, name: replicaName(subgraph.name, i + 1) })),
  );
  const ports = await pickPorts(planned.map(({ subgraph, index }) => preferredPort(subgraph, index)));
  const started = await supervisor.startStage(planned.map(({ subgraph, name }, i) => specFor(subgraph, name, ports[i] as number)));
  const instances = started.map(({ child, match }, i) => ({ name: child.name, subgraph: planned[i]!.subgraph.name, url: match?.[1] ?? '' }));
  const envs = new Map(present.map((subgraph) => [subgraph.name, envFor(subgraph, ports[planned.findIndex((p) => p.subgraph === subgraph)] as number)]));

  // Names ever handed out: a replica that is killed keeps its name (and can be restarted).
  const taken = new Set(planned.map(({ name }) => name));
  return {
    skipped,
    instances,
    envs,
    async addReplica(name) {
      const subgraph = present.find((entry) => entry.name === name);
      const primary = supervisor.entries().find(({ child }) => child.name === name);
      if (!subgraph || !primary) {
        throw new Error(`"${name}" is not a subgraph of this stack; the subgraphs are ${present.map((entry) => entry.name).join(', ')}`);
      }
      let index = 2;
      while (taken.has(replicaName(name, index))) index += 1;
      const replica = replicaName(name, index);
      taken.add(replica); // before any await: two calls at once get two names
      const [port] = await pickPorts([preferredPort(subgraph, index)]);
      const match = await supervisor.startInStage(primary.stage, specFor(subgraph, replica, port as number));
      return { name: replica, subgraph: name, url: match?.[1] ?? '' };
    },
  };
}
