import { existsSync } from 'node:fs';
import path from 'node:path';
import type { StackConfig } from './config.ts';
import { pickPorts } from './ports.ts';
import type { ChildSpec } from './processes.ts';
import { EMBEDDED_SERVERS, type EmbeddedServerName } from './services.ts';
import type { Supervisor } from './supervisor.ts';

/** Where the services find their servers, embedded or the user's own. */
export interface ServerAddresses {
  kafkaBrokers: string[];
  /** Server address without a database; each service gets its own database on it. */
  mongoUrl: string;
  redisUrl: string;
  /** undefined only when neither configured nor started (entry file missing). */
  paymentProviderUrl?: string;
  smtpUrl?: string;
  /** Where the embedded SMTP sink stores mail (undefined with a real SMTP server). */
  mailDir?: string;
  /** Optional servers not started because their entry file does not exist yet. */
  skipped: string[];
}

/** Which StackConfig.external setting replaces each embedded server. */
const REPLACED_BY: Record<EmbeddedServerName, keyof StackConfig['external']> = {
  kafka: 'kafkaBrokers',
  mongo: 'mongoUrl',
  redis: 'redisUrl',
  'payment-provider': 'paymentProviderUrl',
  smtp: 'smtpUrl',
};

export type SpecFactory = (name: string, entry: string, env: Record<string, string>, extra?: Partial<ChildSpec>) => ChildSpec;

/**
 * Starts, in one parallel stage, every embedded server the user did not replace with a real one,
 * each on its preferred port or a free one, and reads their addresses from their readiness lines.
 * A missing required server fails before anything starts; a missing optional one is skipped.
 */
export async function startEmbeddedServers(
  config: StackConfig,
  supervisor: Supervisor,
  spec: SpecFactory,
  log: (message: string) => void,
): Promise<ServerAddresses> {
  const skipped: string[] = [];
  const wanted = EMBEDDED_SERVERS.filter((server) => {
    const external = config.external[REPLACED_BY[server.name]];
    if (external) {
      log(`using external ${server.name}: ${Array.isArray(external) ? external.join(',') : external}`);
      return false;
    }
    if (existsSync(path.join(config.repoRoot, server.entry))) return true;
    if (!server.optional) throw new Error(`embedded ${server.name} server not found: ${server.entry}`);
    log(`skipping ${server.name}: ${server.entry} does not exist yet`);
    skipped.push(server.name);
    return false;
  });
  const ports = await pickPorts(wanted.map((server) => config.embeddedPorts[server.name]));
  const started = await supervisor.startStage(
    wanted.map((server, index) => {
      // LOG_LEVEL reaches the servers as a flag (they read no environment): at warn, the SMTP
      // sink no longer logs every message it stores, nor Kafka every group join.
      const args = ['--port', String(ports[index]), '--log-level', config.logLevel];
      if (server.persistent) args.push('--data-dir', path.join(config.dataDir, server.name));
      return spec(server.name, server.entry, {}, { args, readyPattern: server.ready });
    }),
  );
  const match = (name: EmbeddedServerName) => started.find(({ child }) => child.name === name)?.match ?? undefined;
  const { external } = config;
  return {
    kafkaBrokers: external.kafkaBrokers ?? [match('kafka')?.[1] as string],
    mongoUrl: external.mongoUrl ?? (match('mongo')?.[1] as string),
    redisUrl: external.redisUrl ?? (match('redis')?.[1] as string),
    paymentProviderUrl: external.paymentProviderUrl ?? match('payment-provider')?.[1],
    smtpUrl: external.smtpUrl ?? match('smtp')?.[1],
    mailDir: external.smtpUrl ? undefined : match('smtp')?.[2],
    skipped,
  };
}
