import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Consumer, ConsumerConfig, Producer, ProducerConfig } from 'kafkajs';

/**
 * kafkajs tuned for tests: silent unless KAFKAJS_LOG=debug|info|warn|error, and short retries so a
 * broken broker fails a test in seconds instead of kafkajs's default minute of back-off.
 */
export function createKafka(address: string, clientId = 'tributary-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [address],
    logLevel: parseLogLevel(process.env.KAFKAJS_LOG),
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}

/** The default partitioner, chosen explicitly so kafkajs does not print its v2 migration warning. */
export function createProducer(kafka: Kafka, config: ProducerConfig = {}): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
}

/** A consumer with timings short enough for rebalancing tests (kafkajs defaults are 30 s / 3 s). */
export function createConsumer(kafka: Kafka, config: ConsumerConfig): Consumer {
  return kafka.consumer({
    sessionTimeout: 6_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 500,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
    ...config,
  });
}

function parseLogLevel(value: string | undefined): logLevel {
  switch (value) {
    case 'debug':
      return logLevel.DEBUG;
    case 'info':
      return logLevel.INFO;
    case 'warn':
      return logLevel.WARN;
    case 'error':
      return logLevel.ERROR;
    default:
      return logLevel.NOTHING;
  }
}
