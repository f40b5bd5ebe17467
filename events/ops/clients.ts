import { Kafka, logLevel } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';

/**
 * Clients for one tool run. Short timeouts and few retries: an operator at a terminal (or CI)
 * should get "cannot reach Kafka at …" within seconds, not after kafkajs' default minute.
 */
export function opsKafka(brokers: string[]): Kafka {
  return new Kafka({
    clientId: 'tributary-ops',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 3, initialRetryTime: 200 },
  });
}

/** A connection to one service's database (`tributary_<service>`) on `mongoUrl`'s server. */
export async function connectServiceDatabase(mongoUrl: string, database: string): Promise<Connection> {
  try {
    return await mongoose.createConnection(mongoUrl, { dbName: database, serverSelectionTimeoutMS: 5_000, autoIndex: false, autoCreate: false }).asPromise();
  } catch (error) {
    throw new Error(`cannot reach MongoDB at ${redactedUrl(mongoUrl)}: ${(error as Error).message}`);
  }
}

/** The URL without its password, for error messages. */
export function redactedUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

export function database(service: string): string {
  return `tributary_${service}`;
}
