import { z } from 'zod';

/**
 * The order service's settings. The only place that reads process.env; a bad value stops the
 * process at start with every problem listed.
 */
const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4001),
  HOST: z.string().min(1).default('127.0.0.1'),
  KAFKA_BROKERS: z
    .string()
    .min(1, 'KAFKA_BROKERS is required (comma-separated host:port list)')
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean)),
  /** Full URI including the database, e.g. mongodb://127.0.0.1:27017/tributary_order. */
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'MONGO_URL must be a mongodb:// URI'),
  /** Partitions of the order topic when this service creates it. */
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type OrderConfig = {
  port: number;
  host: string;
  kafkaBrokers: string[];
  mongoUrl: string;
  kafkaPartitions: number;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): OrderConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || 'env'}: ${issue.message}`);
    throw new Error(`invalid order service configuration:\n${problems.join('\n')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    kafkaBrokers: c.KAFKA_BROKERS,
    mongoUrl: c.MONGO_URL,
    kafkaPartitions: c.KAFKA_PARTITIONS,
    logLevel: c.LOG_LEVEL,
  };
}
