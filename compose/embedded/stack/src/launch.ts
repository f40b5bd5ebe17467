import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ConnectionString } from 'mongodb-connection-string-url';
import type { StackConfig } from './config.ts';
import { removePidFile, updatePidFile, writePidFile, type StackPidFile } from './data-dir.ts';
import {
  ensureDevSecretFile,
  subgraphUrlVariable,
  supergraphSubgraphNames,
  userChoseAuth,
} from './gateway-prep.ts';
import { createPrefixedSink, type LineSink } from './output.ts';
import { isPortFree, pickPort, pickPorts } from './ports.ts';
import type { ChildSpec, ManagedChild } from './processes.ts';
import { EMBEDDED_SERVERS, GATEWAY, SUBGRAPHS, SUBGRAPH_READY } from './services.ts';
import type { StackSummary } from './summary.ts';
import { Supervisor, type UnexpectedExit } from './supervisor.ts';

export interface LaunchOptions {
  config: StackConfig;
  /** Dev mode: subgraphs and the gateway run under `tsx watch` (the servers never do). */
  watch?: boolean;
  /** Where children's output lines and the launcher's own messages go. */
  sink?: LineSink;
  /** Aborting stops whatever has started so far; launchStack then rejects. */
  signal?: AbortSignal;
}

export interface StackHandle {
  kafkaBrokers: string[];
  /** Server address without a database; each service gets its own database on it. */
  mongoUrl: string;
  redisUrl: string;
  gatewayUrl?: string;
  subgraphs: { name: string; url: string }[];
  /** Every started child, in start order. */
  children: ManagedChild[];
  summary: StackSummary;
  /** Resolves when a child exits on its own after startup; the stack is then broken. */
  unexpectedExit: Promise<UnexpectedExit>;
  /** Stops everything in reverse start order (SIGTERM, SIGKILL after the grace period). */
  stop(): Promise<void>;
}

/** A service's MONGO_URL: the server URL with the service's own database as its path. */
export function mongoUrlFor(serverUrl: string, database: string): string {
  const url = new ConnectionString(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `npm run token` reads <repo>/.data/auth/jwt-secret unless told otherwise. */
export function tokenCommand(repoRoot: string, secretFile: string | undefined): string {
  const command = 'npm run token -- --customer alice';
  const usual = path.join(repoRoot, '.data', 'auth', 'jwt-secret');
  return secretFile && secretFile !== usual ? `${command} --secret-file ${secretFile}` : command;
}

/**
 * Starts the whole stack: data dir → embedded Kafka, Mongo, Redis (in parallel, unless real ones
 * are configured) → dev JWT secret → supergraph → subgraphs → gateway. On any failure it stops
 * what it started and rethrows (a ChildStartError carries the failed child's last lines).
 */
export async function launchStack(options: LaunchOptions): Promise<StackHandle> {
  const { config } = options;
  const sink = options.sink ?? createPrefixedSink();
  const log = (message: string) => sink('stack', 'stdout', message);
  const root = config.repoRoot;
  const pidFile: StackPidFile = { pid: process.pid, startedAt: new Date().toISOString(), children: [] };
  // An abort that came before this call (Ctrl-C during --fresh) never fires the listener below.
  options.signal?.throwIfAborted();

  await mkdir(config.dataDir, { recursive: true });
  await writePidFile(config.dataDir, pidFile);
  const supervisor = new Supervisor(config.stopGraceMs, async (child) => {
    pidFile.children.push({ name: child.name, pid: child.pid });
    await updatePidFile(config.dataDir, pidFile);
  });
  const stop = async () => {
    await supervisor.stopAll();
    await removePidFile(config.dataDir);
  };
  const onAbort = () => void supervisor.stopAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const spec = (name: string, entry: string, env: Record<string, string>, extra: Partial<ChildSpec> = {}): ChildSpec => ({
    name,
    entry: path.join(root, entry),
    cwd: root,
    env: { ...config.baseEnv, LOG_LEVEL: config.logLevel, ...env },
    readyTimeoutMs: config.readyTimeoutMs,
    sink,
    ...extra,
  });

  try {
    // Checked first: a busy gateway port should fail in a second, not after every server started.
    const gatewayPresent = existsSync(path.join(root, GATEWAY.entry));
    const gatewayPort = config.gatewayPort === 0 ? await pickPort(0) : config.gatewayPort;
    if (gatewayPresent && !(await isPortFree(gatewayPort))) {
      throw new Error(`GATEWAY_PORT ${gatewayPort} is in use; stop what uses it or set GATEWAY_PORT`);
    }

    // 1. Kafka, MongoDB and Redis: the embedded servers for whatever is not configured as external.
    const wanted = EMBEDDED_SERVERS.filter((server) => {
      const external = { kafka: config.external.kafkaBrokers, mongo: config.external.mongoUrl, redis: config.external.redisUrl }[server.name];
      if (external) log(`using external ${server.name}: ${external}`);
      return !external;
    });
    for (const server of wanted) {
      if (!existsSync(path.join(root, server.entry))) throw new Error(`embedded ${server.name} server not found: ${server.entry}`);
    }
    const ports = await pickPorts(wanted.map((server) => config.embeddedPorts[server.name]));
    const servers = await supervisor.startStage(
      wanted.map((server, index) => {
        const args = ['--port', String(ports[index])];
        if (server.persistent) args.push('--data-dir', path.join(config.dataDir, server.name));
        return spec(server.name, server.entry, {}, { args, readyPattern: server.ready });
      }),
    );
    const address = (name: string) => servers.find((started) => started.child.name === name)?.match;
    const kafkaMatch = address('kafka');
    const kafkaBrokers = config.external.kafkaBrokers ?? [`${kafkaMatch?.[1]}:${kafkaMatch?.[2]}`];
    const mongoUrl = config.external.mongoUrl ?? (address('mongo')?.[1] as string);
    const redisUrl = config.external.redisUrl ?? (address('redis')?.[1] as string);

    // 2. What the gateway needs: the dev secret (unless auth is configured) and the supergraph.
    const gatewayEnv: Record<string, string> = {};
    let secretFile: string | undefined;
    if (gatewayPresent && !userChoseAuth(config.baseEnv)) {
      secretFile = await ensureDevSecretFile(root, config.dataDir);
      gatewayEnv.JWT_SECRET_FILE = secretFile;
    }
    if (gatewayPresent) {
      const supergraphPath = path.join(config.dataDir, 'supergraph.graphql');
      log('composing the supergraph from supergraph.yaml');
      await supervisor.runTask(
        spec('supergraph', GATEWAY.composeScript, {}, { args: ['--config', GATEWAY.supergraphConfig, '--out', supergraphPath] }),
      );
      gatewayEnv.SUPERGRAPH_PATH = supergraphPath;
    }

    // 3. Subgraphs, each on its preferred port or a free one, with its own database.
    const skipped: string[] = [];
    const present = SUBGRAPHS.filter((subgraph) => {
      const exists = existsSync(path.join(root, subgraph.entry));
      if (!exists) {
        log(`skipping ${subgraph.name}: ${subgraph.entry} does not exist yet`);
        skipped.push(subgraph.name);
      }
      return exists;
    });
    const subgraphPorts = await pickPorts(present.map((subgraph) => subgraph.port));
    const startedSubgraphs = await supervisor.startStage(
      present.map((subgraph, index) =>
        spec(
          subgraph.name,
          subgraph.entry,
          {
            PORT: String(subgraphPorts[index]),
            HOST: '127.0.0.1',
            KAFKA_BROKERS: kafkaBrokers.join(','),
            MONGO_URL: mongoUrlFor(mongoUrl, subgraph.database),
            REDIS_URL: redisUrl,
          },
          { readyPattern: SUBGRAPH_READY, watch: options.watch },
        ),
      ),
    );
    const subgraphs = startedSubgraphs.map(({ child, match }) => ({ name: child.name, url: match?.[1] ?? '' }));

    // 4. The gateway, told where each running subgraph listens.
    let gatewayUrl: string | undefined;
    if (!gatewayPresent) {
      log(`skipping gateway: ${GATEWAY.entry} does not exist yet`);
      skipped.push('gateway');
    } else {
      const inSupergraph = await supergraphSubgraphNames(root);
      for (const subgraph of subgraphs) {
        if (inSupergraph.has(subgraph.name)) gatewayEnv[subgraphUrlVariable(subgraph.name)] = subgraph.url;
        else log(`${subgraph.name} runs but is not in ${GATEWAY.supergraphConfig}; the gateway will not route to it`);
      }
      await supervisor.startStage([
        spec('gateway', GATEWAY.entry, { ...gatewayEnv, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: '127.0.0.1' }, {
          readyPattern: GATEWAY.ready,
          watch: options.watch,
        }),
      ]);
      gatewayUrl = `http://localhost:${gatewayPort}/graphql`;
    }

    const summary: StackSummary = {
      graphqlUrl: gatewayUrl,
      tokenCommand: tokenCommand(root, secretFile),
      secretFile,
      kafka: { brokers: kafkaBrokers, embedded: !config.external.kafkaBrokers },
      mongo: { url: mongoUrl, embedded: !config.external.mongoUrl },
      redis: { url: redisUrl, embedded: !config.external.redisUrl },
      subgraphs,
      skipped,
      dataDir: config.dataDir,
    };
    return {
      kafkaBrokers,
      mongoUrl,
      redisUrl,
      gatewayUrl,
      subgraphs,
      children: supervisor.children(),
      summary,
      unexpectedExit: supervisor.death,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
