import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readPidFile, runningStackPids } from '../../compose/embedded/stack/src/data-dir.ts';

/**
 * Where the operator tools find Kafka and MongoDB: KAFKA_BROKERS / MONGO_URL when set, else the
 * addresses the running stack wrote into DATA_DIR/stack.pid (DATA_DIR being <repo>/.data unless
 * set; a relative one is taken from the repo root, as the launcher and `npm run token` do).
 * The only reader of process.env in this package.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const envSchema = z.object({
  DATA_DIR: z.string().optional(),
  KAFKA_BROKERS: z
    .string()
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
    .pipe(z.array(z.string()).min(1, 'KAFKA_BROKERS lists no broker'))
    .optional(),
  /** The MongoDB server; each service's database (tributary_<service>) is chosen by the tool, so a path in the URL is ignored. */
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'MONGO_URL must be a mongodb:// URI').optional(),
  /** The notification service's NOTIFICATION_EMAIL_DOMAIN: its read model rebuilds recipients with it. */
  NOTIFICATION_EMAIL_DOMAIN: z.string().min(1).optional(),
});

export type Dependency = 'kafka' | 'mongo';

export interface OpsConfig {
  dataDir: string;
  kafkaBrokers: string[];
  mongoUrl: string;
  /** Undefined: the notification service's default. */
  emailDomain?: string;
}

export class OpsConfigError extends Error {
  override name = 'OpsConfigError';
}

/**
 * Resolves the servers a command needs (`needs`); the others may stay empty. A stale pid file (no
 * process of it alive) counts as no stack: its ports may belong to something else by now.
 */
export async function loadOpsConfig(needs: readonly Dependency[], env: NodeJS.ProcessEnv = process.env): Promise<OpsConfig> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new OpsConfigError(`bad environment:\n${parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')}`);
  }
  const vars = parsed.data;
  const dataDir = path.resolve(repoRoot, vars.DATA_DIR || '.data');
  const missing = needs.filter((need) => (need === 'kafka' ? !vars.KAFKA_BROKERS : !vars.MONGO_URL));
  let stack: { kafkaBrokers: string[]; mongoUrl: string } | undefined;
  if (missing.length > 0) {
    const file = await readPidFile(dataDir);
    const live = file?.addresses && (await runningStackPids(dataDir)).length > 0;
    if (!live || !file?.addresses) {
      const variables = missing.map((need) => (need === 'kafka' ? 'KAFKA_BROKERS=host:port' : 'MONGO_URL=mongodb://host:port')).join(' and ');
      throw new OpsConfigError(
        `no running stack found on ${dataDir} (${file ? 'its stack.pid is stale or lists no addresses' : 'no stack.pid'}): ` +
          `start one with \`npm run dev\` (or point DATA_DIR at the one you run), or set ${variables}`,
      );
    }
    stack = file.addresses;
  }
  return {
    dataDir,
    kafkaBrokers: vars.KAFKA_BROKERS ?? stack?.kafkaBrokers ?? [],
    mongoUrl: vars.MONGO_URL ?? stack?.mongoUrl ?? '',
    ...(vars.NOTIFICATION_EMAIL_DOMAIN ? { emailDomain: vars.NOTIFICATION_EMAIL_DOMAIN } : {}),
  };
}
