import { createLogger } from '@tributary/telemetry';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { createOrderApp } from './app.ts';
import { loadConfig } from './config.ts';

/** Starts the order subgraph and stops it cleanly on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('order', config.logLevel);
  const connection = await mongoose.createConnection(config.mongoUrl, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  const kafka = new Kafka({ clientId: 'order', brokers: config.kafkaBrokers, logLevel: logLevel.WARN });
  const app = createOrderApp({ config, logger, connection, kafka });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    try {
      await app.stop();
      await connection.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'unclean stop');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  const url = await app.start();
  console.log(`order subgraph ready at ${url}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
