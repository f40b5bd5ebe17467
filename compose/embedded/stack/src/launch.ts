import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ConnectionString } from 'mongodb-connection-string-url';
import type { StackConfig } from './config.ts';
import { removePidFile, updatePidFile, writePidFile, type StackPidFile } from './data-dir.ts';
import { startEmbeddedServers, type ServerAddresses, type SpecFactory } from './embedded-servers.ts';
import { ensureGatewayKeyPair, incompleteGatewayKeys, userChoseGatewayKeys, type GatewayKeyFiles } from './gateway-keys.ts';
import {
  ensureDevSecretFile,
  subgraphUrlVariable,
  supergraphSubgraphNames,
  userChoseAuth,
} from './gateway-prep.ts';
import { devLinks, type DevLinks } from './dev-links.ts';
import { createPrefixedSink, type LineSink } from './output.ts';
import { isPortFree, pickPort, pickPorts } from './ports.ts';
import type { ManagedChild } from './processes.ts';
import { DEMO_SKUS, GATEWAY, SUBGRAPHS, SUBGRAPH_READY, subgraphEnv, tracingEnv } from './services.ts';
import type { StackSummary } from './summary.ts';
import { Supervisor, type UnexpectedExit } from './supervisor.ts';
import { startReaper, stopReaper } from './watchdog.ts';

export interface LaunchOptions {
  config: StackConfig;
  /** Dev mode: subgraphs and the gateway run under `tsx watch` (the servers never do). */
  watch?: boolean;
  /** Where children's output lines and the launcher's own messages go. */
  sink?: LineSink;
  /** Aborting stops whatever has started so far; launchStack then rejects. */
  signal?: AbortSignal;
}

/** Where the servers are (see ServerAddresses), plus what the launcher started on them. */
export interface StackHandle extends Omit<ServerAddresses, 'skipped'> {
  /** The key pair the launcher made (undefined when the user brought their own). */
  gatewayKeys?: GatewayKeyFiles;
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
export function tokenCommand(repoRoot: string, secretFile: string | undefined, who = '--customer alice'): string {
  const command = `npm run token -- ${who}`;
  const usual = path.join(repoRoot, '.data', 'auth', 'jwt-secret');
  return secretFile && secretFile !== usual ? `${command} --secret-file ${secretFile}` : command;
}

/** The summary's catalogue hint: the admin token command, unless a --secret-file would make the box too wide. */
export function adminTokenHint(repoRoot: string, secretFile: string | undefined): string {
  const command = tokenCommand(repoRoot, secretFile, '--customer admin --role admin');
  return command.includes('--secret-file') ? 'the Token command with --role admin' : command;
}

/**
 * Starts the whole stack: data dir → embedded Kafka, Mongo, Redis, payment provider and SMTP sink
 * (in parallel, each unless a real one is configured) → dev JWT secret, gateway key pair,
 * supergraph → subgraphs → gateway. On any failure it stops what it started and rethrows (a
 * ChildStartError carries the failed child's last lines).
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
  await writePidFile(config.dataDir, pidFile, root);
  // Before any child: whatever happens to this process from here on (even SIGKILL), the reaper
  // stops every child the pid file lists.
  try {
    pidFile.reaper = startReaper(process.pid, config.dataDir, config.stopGraceMs);
    await updatePidFile(config.dataDir, pidFile);
  } catch (error) {
    stopReaper(pidFile.reaper);
    await removePidFile(config.dataDir);
    throw error;
  }
  const supervisor = new Supervisor(config.stopGraceMs, async (child, stage) => {
    pidFile.children.push({ name: child.name, pid: child.pid, stage });
    await updatePidFile(config.dataDir, pidFile);
  });
  const stop = async () => {
    await supervisor.stopAll();
    await removePidFile(config.dataDir);
    stopReaper(pidFile.reaper);
  };
  const onAbort = () => void supervisor.stopAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const spec: SpecFactory = (name, entry, env, extra = {}) => ({
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
    if (gatewayPresent && config.gatewayPort !== 0 && !(await isPortFree(config.gatewayPort))) {
      throw new Error(
        `GATEWAY_PORT ${config.gatewayPort} is in use; stop what uses it (a stack left running with another DATA_DIR? ` +
          '`DATA_DIR=<its dir> npm run stop`) or set GATEWAY_PORT',
      );
    }

    // 1. Kafka, MongoDB, Redis, the payment provider and the SMTP sink: whatever is not external.
    const servers = await startEmbeddedServers(config, supervisor, spec, log);
    const skipped = [...servers.skipped];
    pidFile.addresses = { kafkaBrokers: servers.kafkaBrokers, mongoUrl: servers.mongoUrl, redisUrl: servers.redisUrl };
    await updatePidFile(config.dataDir, pidFile);

    // 2. Trust and routing: the dev JWT secret (unless auth is configured), the key pair with
    //    which the gateway signs subgraph requests (unless the user brought one), the supergraph.
    const gatewayEnv: Record<string, string> = {};
    let secretFile: string | undefined;
    if (gatewayPresent && !userChoseAuth(config.baseEnv)) {
      secretFile = await ensureDevSecretFile(root, config.dataDir);
      gatewayEnv.JWT_SECRET_FILE = secretFile;
    }
    let gatewayKeys: GatewayKeyFiles | undefined;
    if (userChoseGatewayKeys(config.baseEnv)) {
      const warning = incompleteGatewayKeys(config.baseEnv);
      if (warning) log(`warning: ${warning}`);
    } else {
      const { created, ...files } = await ensureGatewayKeyPair(path.join(config.dataDir, 'auth'));
      if (created) log(`created the gateway signing key pair in ${path.dirname(files.signingKeyFile)}`);
      gatewayKeys = files;
      gatewayEnv.GATEWAY_SIGNING_KEY_FILE = files.signingKeyFile;
    }
    if (gatewayPresent) {
      const supergraphPath = path.join(config.dataDir, 'supergraph.graphql');
      log('composing the supergraph from supergraph.yaml');
      await supervisor.runTask(
        spec('supergraph', GATEWAY.composeScript, {}, { args: ['--config', GATEWAY.supergraphConfig, '--out', supergraphPath] }),
      );
      gatewayEnv.SUPERGRAPH_PATH = supergraphPath;
    }

    // 3. Subgraphs, each on its preferred port or a free one, with its own database and the
    //    variables its line in SUBGRAPHS asks for.
    const present = SUBGRAPHS.filter((subgraph) => {
      const exists = existsSync(path.join(root, subgraph.entry));
      if (!exists) {
        log(`skipping ${subgraph.name}: ${subgraph.entry} does not exist yet`);
        skipped.push(subgraph.name);
      }
      return exists;
    });
    const subgraphPorts = await pickPorts(present.map((subgraph) => subgraph.port));
    // The gateway and the subgraphs trace into DATA_DIR/traces (unless OTEL_SDK_DISABLED=true).
    const traced = tracingEnv({ repoRoot: root, dataDir: config.dataDir, tracing: config.tracing, baseEnv: config.baseEnv });
    const envs = present.map((subgraph, index) =>
      subgraphEnv(
        subgraph,
        {
          port: String(subgraphPorts[index]),
          kafkaBrokers: servers.kafkaBrokers.join(','),
          mongoUrl: mongoUrlFor(servers.mongoUrl, subgraph.database),
          redisUrl: servers.redisUrl,
          gatewayPublicKeyFile: gatewayKeys?.publicKeyFile,
          paymentProviderUrl: servers.paymentProviderUrl,
          smtpUrl: servers.smtpUrl,
        },
        config.baseEnv,
      ),
    );
    const startedSubgraphs = await supervisor.startStage(
      present.map((subgraph, index) =>
        spec(subgraph.name, subgraph.entry, { ...envs[index], ...traced }, { readyPattern: SUBGRAPH_READY, watch: options.watch }),
      ),
    );
    const subgraphs = startedSubgraphs.map(({ child, match }) => ({ name: child.name, url: match?.[1] ?? '' }));

    // 4. The gateway, told where each running subgraph listens.
    let gatewayUrl: string | undefined;
    let browserLinks: DevLinks | undefined;
    if (!gatewayPresent) {
      log(`skipping gateway: ${GATEWAY.entry} does not exist yet`);
      skipped.push('gateway');
    } else {
      const inSupergraph = await supergraphSubgraphNames(root);
      for (const subgraph of subgraphs) {
        if (inSupergraph.has(subgraph.name)) gatewayEnv[subgraphUrlVariable(subgraph.name)] = subgraph.url;
        else log(`${subgraph.name} runs but is not in ${GATEWAY.supergraphConfig}; the gateway will not route to it`);
      }
      // GATEWAY_PORT=0 (tests): a free port picked only now, once the embedded servers, which also
      // ask the system for free ports, hold theirs; picked earlier, one of them could be given it.
      const gatewayPort = config.gatewayPort === 0 ? await pickPort(0) : config.gatewayPort;
      // REDIS_URL: the gateway keeps its rate-limit counters there (shared by gateway replicas).
      const env = { ...gatewayEnv, ...traced, REDIS_URL: servers.redisUrl, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: '127.0.0.1' };
      await supervisor.startStage([spec('gateway', GATEWAY.entry, env, { readyPattern: GATEWAY.ready, watch: options.watch })]);
      gatewayUrl = `http://localhost:${gatewayPort}/graphql`;
      // Only with the secret the launcher made: then it can sign tokens the gateway accepts. A
      // failure costs the links, not the stack.
      if (secretFile) {
        const startedWith = { ...config.baseEnv, LOG_LEVEL: config.logLevel, ...env };
        browserLinks = await devLinks({ repoRoot: root, secretFile, graphqlUrl: gatewayUrl, gatewayEnv: startedWith }).catch((error: unknown) => {
          log(`warning: no browser links in the summary: ${(error as Error).message}`);
          return undefined;
        });
      }
    }

    pidFile.addresses = { ...pidFile.addresses!, gatewayUrl, subgraphs };
    await updatePidFile(config.dataDir, pidFile);

    const inventoryIndex = present.findIndex((subgraph) => subgraph.name === 'inventory');
    // The spellings of "true" that zod's stringbool (the inventory's config) accepts.
    const seeded = /^(true|1|yes|on|y|enabled)$/i.test(envs[inventoryIndex]?.SEED_DEMO_CATALOGUE ?? '');
    const summary: StackSummary = {
      graphqlUrl: gatewayUrl,
      tokenCommand: tokenCommand(root, secretFile),
      secretFile,
      catalogue: seeded ? { skus: DEMO_SKUS, adminTokenHint: adminTokenHint(root, secretFile) } : undefined,
      kafka: { brokers: servers.kafkaBrokers, embedded: !config.external.kafkaBrokers },
      mongo: { url: servers.mongoUrl, embedded: !config.external.mongoUrl },
      redis: { url: servers.redisUrl, embedded: !config.external.redisUrl },
      paymentProvider: servers.paymentProviderUrl
        ? { url: servers.paymentProviderUrl, embedded: !config.external.paymentProviderUrl }
        : undefined,
      mail: servers.smtpUrl ? { smtpUrl: servers.smtpUrl, embedded: !config.external.smtpUrl, dir: servers.mailDir } : undefined,
      subgraphs,
      skipped,
      dataDir: config.dataDir,
      browserLinks,
    };
    return {
      kafkaBrokers: servers.kafkaBrokers,
      mongoUrl: servers.mongoUrl,
      redisUrl: servers.redisUrl,
      paymentProviderUrl: servers.paymentProviderUrl,
      smtpUrl: servers.smtpUrl,
      mailDir: servers.mailDir,
      gatewayKeys,
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
