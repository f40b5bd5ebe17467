import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
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
import { isPortFree, pickPort } from './ports.ts';
import { createProcessControl, type ProcessControl } from './process-control.ts';
import type { ManagedChild } from './processes.ts';
import { DEMO_SKUS, GATEWAY, tracingEnv } from './services.ts';
import { startSubgraphs } from './subgraph-stage.ts';
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

export { mongoUrlFor } from './subgraph-stage.ts';

/**
 * Where the servers are (see ServerAddresses), plus what the launcher started on them, and the
 * process control of demos and chaos tests (kill, restart, addReplica, running: process-control.ts).
 */
export interface StackHandle extends Omit<ServerAddresses, 'skipped'>, ProcessControl {
  /** The key pair the launcher made (undefined when the user brought their own). */
  gatewayKeys?: GatewayKeyFiles;
  gatewayUrl?: string;
  /** Every subgraph instance the gateway routes to, replicas (inventory-2...) after their primary. */
  subgraphs: { name: string; url: string }[];
  /** Every current child (a restarted one in place of the one it replaced), in start order. */
  readonly children: ManagedChild[];
  summary: StackSummary;
  /** Resolves when a child exits on its own after startup; the stack is then broken. */
  unexpectedExit: Promise<UnexpectedExit>;
  /** Stops everything in reverse start order (SIGTERM, SIGKILL after the grace period). */
  stop(): Promise<void>;
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
  // Rewritten from the supervisor's current children each time (restarts replace pids), one write
  // at a time: kill, restart and addReplica may come in parallel. Once stopping, stop() owns the
  // file: a late write (an addReplica that just finished) must not bring it back after removal.
  let pidFileWrites = Promise.resolve();
  const savePidFile = () => {
    if (supervisor.isStopping()) return pidFileWrites;
    pidFile.children = supervisor.entries().map(({ child, stage }) => ({ name: child.name, pid: child.pid, stage }));
    const write = pidFileWrites.then(() => updatePidFile(config.dataDir, pidFile));
    pidFileWrites = write.catch(() => {});
    return write;
  };
  const supervisor = new Supervisor(config.stopGraceMs, savePidFile);
  const stop = async () => {
    await supervisor.stopAll();
    await pidFileWrites;
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
    await savePidFile();

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

    // 3. Subgraphs, each instance (StackConfig.scale) on its preferred port or a free one, with
    //    its subgraph's own database and the variables its line in SUBGRAPHS asks for.
    // The gateway and the subgraphs trace into DATA_DIR/traces (unless OTEL_SDK_DISABLED=true).
    const traced = tracingEnv({ repoRoot: root, dataDir: config.dataDir, tracing: config.tracing, baseEnv: config.baseEnv });
    const stage = await startSubgraphs({ config, servers, gatewayPublicKeyFile: gatewayKeys?.publicKeyFile, traced, watch: options.watch, supervisor, spec, log });
    skipped.push(...stage.skipped);
    const subgraphs = stage.instances.map(({ name, url }) => ({ name, url }));
    const urlsOf = (subgraph: string) => stage.instances.filter((instance) => instance.subgraph === subgraph).map((instance) => instance.url);

    // 4. The gateway, told where each running subgraph listens.
    let gatewayUrl: string | undefined;
    let browserLinks: DevLinks | undefined;
    if (!gatewayPresent) {
      log(`skipping gateway: ${GATEWAY.entry} does not exist yet`);
      skipped.push('gateway');
    } else {
      const inSupergraph = await supergraphSubgraphNames(root);
      for (const name of stage.envs.keys()) {
        // Every instance, the primary first: the gateway spreads the subgraph's requests over them.
        if (inSupergraph.has(name)) gatewayEnv[subgraphUrlVariable(name)] = urlsOf(name).join(',');
        else log(`${name} runs but is not in ${GATEWAY.supergraphConfig}; the gateway will not route to it`);
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

    const addresses = { ...pidFile.addresses!, gatewayUrl, subgraphs: [...subgraphs] };
    pidFile.addresses = addresses;
    await savePidFile();

    // The spellings of "true" that zod's stringbool (the inventory's config) accepts.
    const seeded = /^(true|1|yes|on|y|enabled)$/i.test(stage.envs.get('inventory')?.SEED_DEMO_CATALOGUE ?? '');
    const replicas = Object.fromEntries([...stage.envs.keys()].map((name) => [name, urlsOf(name).length]).filter(([, count]) => Number(count) > 1));
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
      replicas,
      skipped,
      dataDir: config.dataDir,
      browserLinks,
    };
    const control = createProcessControl(supervisor, async (subgraph) => {
      const { name, url } = await stage.addReplica(subgraph);
      // Listed for operator tools (metrics, demos) though the gateway does not route to it.
      addresses.subgraphs.push({ name, url });
      await savePidFile();
      return { name, url };
    });
    return {
      ...control,
      kafkaBrokers: servers.kafkaBrokers,
      mongoUrl: servers.mongoUrl,
      redisUrl: servers.redisUrl,
      paymentProviderUrl: servers.paymentProviderUrl,
      smtpUrl: servers.smtpUrl,
      mailDir: servers.mailDir,
      gatewayKeys,
      gatewayUrl,
      subgraphs,
      get children() {
        return supervisor.children();
      },
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
