import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadServiceConfig } from '../config.ts';

const PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA2nUzWOd2wKzZk7cM8DDkHb4eUwrWxbD6Dh8I9iS3WbQ=\n-----END PUBLIC KEY-----\n';
const minimal = { KAFKA_BROKERS: '127.0.0.1:9092', MONGO_URL: 'mongodb://127.0.0.1:27017/tributary_order', GATEWAY_PUBLIC_KEY: PEM };

/** The ConfigError that `load` throws, or a failed assertion. */
function configError(load: () => unknown): ConfigError {
  let thrown: unknown;
  try {
    load();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'the configuration was accepted').toBeInstanceOf(ConfigError);
  return thrown as ConfigError;
}

describe('loadServiceConfig', () => {
  it('fills in defaults around the required settings', () => {
    const config = loadServiceConfig('order', minimal, { defaultPort: 4001 });
    expect(config).toEqual({
      port: 4001,
      host: '127.0.0.1',
      kafkaBrokers: ['127.0.0.1:9092'],
      mongoUrl: minimal.MONGO_URL,
      kafkaPartitions: 6,
      kafkaSessionTimeoutMs: 10_000,
      logLevel: 'info',
      gatewayPublicKeyPem: PEM,
      tracing: { enabled: false, fileMaxBytes: 50 * 1024 * 1024 },
      env: {},
    });
  });

  it('reads where spans go: tracing is on with a TRACE_DIR or an OTLP endpoint, unless OTEL_SDK_DISABLED=true', () => {
    const traced = loadServiceConfig('order', { ...minimal, TRACE_DIR: '/data/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }, { defaultPort: 4001 });
    expect(traced.tracing).toEqual({ enabled: true, dir: '/data/traces', fileMaxBytes: 50 * 1024 * 1024, otlpTracesUrl: 'http://jaeger:4318/v1/traces' });
    expect(loadServiceConfig('order', { ...minimal, TRACE_DIR: '/data/traces', OTEL_SDK_DISABLED: 'true' }, { defaultPort: 4001 }).tracing.enabled).toBe(false);
    expect(configError(() => loadServiceConfig('order', { ...minimal, OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger' }, { defaultPort: 4001 })).message).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  it('reads every setting it is given, splitting and trimming the broker list', () => {
    const config = loadServiceConfig(
      'order',
      { ...minimal, PORT: '0', HOST: '0.0.0.0', KAFKA_BROKERS: 'k1:9092, k2:9092,', KAFKA_PARTITIONS: '12', LOG_LEVEL: 'debug', UNRELATED: 'x' },
      { defaultPort: 4001 },
    );
    expect(config).toMatchObject({ port: 0, host: '0.0.0.0', kafkaBrokers: ['k1:9092', 'k2:9092'], kafkaPartitions: 12, logLevel: 'debug' });
    expect(config).not.toHaveProperty('redisUrl');
    expect(config).not.toHaveProperty('UNRELATED');
  });

  it('gives a dead consumer 10 s before its partitions move, unless told otherwise, and refuses less than Kafka allows', () => {
    expect(loadServiceConfig('order', minimal, { defaultPort: 4001 }).kafkaSessionTimeoutMs).toBe(10_000);
    expect(loadServiceConfig('order', { ...minimal, KAFKA_SESSION_TIMEOUT_MS: '30000' }, { defaultPort: 4001 }).kafkaSessionTimeoutMs).toBe(30_000);
    expect(configError(() => loadServiceConfig('order', { ...minimal, KAFKA_SESSION_TIMEOUT_MS: '500' }, { defaultPort: 4001 })).message).toContain('KAFKA_SESSION_TIMEOUT_MS');
  });

  it('reads REDIS_URL for the change feed and refuses one that is not redis://', () => {
    expect(loadServiceConfig('order', { ...minimal, REDIS_URL: 'redis://127.0.0.1:6379' }, { defaultPort: 4001 }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(configError(() => loadServiceConfig('order', { ...minimal, REDIS_URL: 'http://127.0.0.1:6379' }, { defaultPort: 4001 })).message).toContain('REDIS_URL');
  });

  it("parses the service's own settings with their defaults into env", () => {
    const extra = { SMTP_URL: z.string().url(), DEADLINE_SECONDS: z.coerce.number().int().default(900) };
    const config = loadServiceConfig('notification', { ...minimal, SMTP_URL: 'smtp://127.0.0.1:2525' }, { defaultPort: 4004, extra });
    expect(config.env).toEqual({ SMTP_URL: 'smtp://127.0.0.1:2525', DEADLINE_SECONDS: 900 });
  });

  it('lists every problem at once, shared and service-specific, naming the service', () => {
    const error = configError(() =>
      loadServiceConfig(
        'payment',
        { PORT: 'eighty', MONGO_URL: 'postgres://db/payment', KAFKA_PARTITIONS: '0', LOG_LEVEL: 'loud' },
        { defaultPort: 4003, extra: { PROVIDER_URL: z.string().url() } },
      ),
    );
    expect(error.message).toMatch(/^invalid payment service configuration:\n/);
    for (const variable of ['PORT', 'KAFKA_BROKERS', 'MONGO_URL', 'KAFKA_PARTITIONS', 'LOG_LEVEL', 'PROVIDER_URL', 'GATEWAY_PUBLIC_KEY / GATEWAY_PUBLIC_KEY_FILE']) {
      expect(error.message).toContain(`  ${variable}: `);
    }
    expect(error.message).toContain('MONGO_URL must be a mongodb:// URI');
  });

  it('explains an empty broker list', () => {
    expect(configError(() => loadServiceConfig('order', { ...minimal, KAFKA_BROKERS: '' }, { defaultPort: 4001 })).message).toContain(
      'KAFKA_BROKERS: KAFKA_BROKERS is required (comma-separated host:port list)',
    );
  });

  it('accepts a mongodb+srv URI and refuses a port out of range', () => {
    expect(loadServiceConfig('order', { ...minimal, MONGO_URL: 'mongodb+srv://cluster.example.net/order' }, { defaultPort: 1 }).mongoUrl).toBe(
      'mongodb+srv://cluster.example.net/order',
    );
    expect(configError(() => loadServiceConfig('order', { ...minimal, PORT: '65536' }, { defaultPort: 1 })).message).toContain('  PORT: ');
  });
});

describe('loadServiceConfig: the gateway public key', () => {
  const { GATEWAY_PUBLIC_KEY: _inline, ...withoutKey } = minimal;
  const exactlyOne = 'GATEWAY_PUBLIC_KEY / GATEWAY_PUBLIC_KEY_FILE: set exactly one';

  it('refuses a configuration with no key', () => {
    expect(configError(() => loadServiceConfig('order', withoutKey, { defaultPort: 4001 })).message).toContain(exactlyOne);
  });

  it('refuses an empty inline key as no key', () => {
    expect(configError(() => loadServiceConfig('order', { ...withoutKey, GATEWAY_PUBLIC_KEY: '' }, { defaultPort: 4001 })).message).toContain(
      exactlyOne,
    );
  });

  it('refuses both an inline key and a key file', () => {
    const env = { ...minimal, GATEWAY_PUBLIC_KEY_FILE: '/etc/tributary/gateway-public-key.pem' };
    expect(configError(() => loadServiceConfig('order', env, { defaultPort: 4001 })).message).toContain(exactlyOne);
  });

  it('reads the key from GATEWAY_PUBLIC_KEY_FILE', () => {
    // Any readable file shows the file is what gets read; the verifier is what parses the PEM.
    const file = fileURLToPath(import.meta.url);
    const config = loadServiceConfig('order', { ...withoutKey, GATEWAY_PUBLIC_KEY_FILE: file }, { defaultPort: 4001 });
    expect(config.gatewayPublicKeyPem).toContain("describe('loadServiceConfig: the gateway public key'");
  });

  it('refuses a key file it cannot read, saying why', () => {
    const missing = join(tmpdir(), `no-such-dir-${process.pid}`, 'gateway-public-key.pem');
    const error = configError(() => loadServiceConfig('order', { ...withoutKey, GATEWAY_PUBLIC_KEY_FILE: missing }, { defaultPort: 4001 }));
    expect(error.message).toContain('GATEWAY_PUBLIC_KEY_FILE: cannot read it (');
    expect(error.message).toContain('ENOENT');
    const directory = configError(() => loadServiceConfig('order', { ...withoutKey, GATEWAY_PUBLIC_KEY_FILE: tmpdir() }, { defaultPort: 4001 }));
    expect(directory.message).toContain('EISDIR');
  });
});
