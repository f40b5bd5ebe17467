import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStackConfig, StackConfigError } from '../src/config.ts';
import { parseScale, replicaName, replicaPort, ScaleError } from '../src/scale.ts';

const root = '/repo';

describe('parseStackConfig', () => {
  it('defaults to embedded servers on their usual ports and <repo>/.data', () => {
    const config = parseStackConfig({ PATH: '/bin' }, root);
    expect(config.external).toEqual({
      kafkaBrokers: undefined,
      mongoUrl: undefined,
      redisUrl: undefined,
      paymentProviderUrl: undefined,
      smtpUrl: undefined,
    });
    expect(config.embeddedPorts).toEqual({ kafka: 9092, mongo: 27017, redis: 6379, 'payment-provider': 4010, smtp: 2525 });
    expect(config.gatewayPort).toBe(4000);
    expect(config.dataDir).toBe(path.join(root, '.data'));
    expect(config.logLevel).toBe('info');
    expect(config.scale).toEqual({});
    expect(config.baseEnv).toEqual({ PATH: '/bin' });
  });

  it('reads real servers, which then replace the embedded ones', () => {
    const config = parseStackConfig(
      {
        KAFKA_BROKERS: 'k1:9092, k2:9093',
        MONGO_URL: 'mongodb://m1:27017,m2:27017/?replicaSet=rs0',
        REDIS_URL: 'redis://r:6379',
        PAYMENT_PROVIDER_URL: 'https://payments.example/',
        SMTP_URL: 'smtps://user:pass@mail.example:465',
      },
      root,
    );
    expect(config.external).toEqual({
      kafkaBrokers: ['k1:9092', 'k2:9093'],
      mongoUrl: 'mongodb://m1:27017,m2:27017/?replicaSet=rs0',
      redisUrl: 'redis://r:6379',
      paymentProviderUrl: 'https://payments.example/',
      smtpUrl: 'smtps://user:pass@mail.example:465',
    });
  });

  it('treats empty variables as unset', () => {
    const config = parseStackConfig({ KAFKA_BROKERS: '', MONGO_URL: ' ', REDIS_URL: '', PAYMENT_PROVIDER_URL: '', SMTP_URL: ' ', DATA_DIR: '' }, root);
    expect(config.external.kafkaBrokers).toBeUndefined();
    expect(config.external.paymentProviderUrl).toBeUndefined();
    expect(config.external.smtpUrl).toBeUndefined();
    expect(config.external.mongoUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.join(root, '.data'));
  });

  it('reads the preferred ports of the payment provider and the SMTP sink', () => {
    const config = parseStackConfig({ PAYMENT_PROVIDER_PORT: '5010', SMTP_PORT: '0' }, root);
    expect(config.embeddedPorts['payment-provider']).toBe(5010);
    expect(config.embeddedPorts.smtp).toBe(0);
  });

  it('resolves a relative DATA_DIR against the repository root and keeps an absolute one', () => {
    expect(parseStackConfig({ DATA_DIR: 'tmp/d' }, root).dataDir).toBe(path.join(root, 'tmp/d'));
    expect(parseStackConfig({ DATA_DIR: '/var/tributary' }, root).dataDir).toBe('/var/tributary');
  });

  it('names every bad variable at once', () => {
    const attempt = () =>
      parseStackConfig(
        {
          KAFKA_BROKERS: 'no-port',
          MONGO_URL: 'http://x',
          GATEWAY_PORT: '70000',
          LOG_LEVEL: 'loud',
          PAYMENT_PROVIDER_URL: 'payments.example',
          SMTP_URL: 'mail.example:25',
          SMTP_PORT: '-1',
        },
        root,
      );
    expect(attempt).toThrow(StackConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['KAFKA_BROKERS', 'MONGO_URL', 'GATEWAY_PORT', 'LOG_LEVEL', 'PAYMENT_PROVIDER_URL', 'SMTP_URL', 'SMTP_PORT']) {
        expect(message).toContain(name);
      }
    }
  });
});

describe('replicas (SCALE and --scale)', () => {
  it('reads SCALE as subgraph=n pairs', () => {
    expect(parseStackConfig({ SCALE: 'inventory=3, order=2' }, root).scale).toEqual({ inventory: 3, order: 2 });
    expect(parseStackConfig({ SCALE: ' ' }, root).scale).toEqual({});
  });

  it('lets a later list (a --scale option) override an earlier one (SCALE) subgraph by subgraph', () => {
    expect(parseScale('inventory=3,order=2', 'inventory=1', 'notification=8')).toEqual({ inventory: 1, order: 2, notification: 8 });
  });

  it.each([
    ['gateway=2', /gateway is not a subgraph; only order, inventory, payment, notification can be scaled/],
    ['inventory=0', /from 1 to 8/],
    ['inventory=9', /from 1 to 8/],
    ['inventory=1.5', /whole number/],
    ['inventory=two', /whole number/],
    ['inventory', /is not <subgraph>=<replicas>/],
    ['inventory=2,inventory=3', /names inventory twice/],
  ])('refuses %s with a clear message', (value, message) => {
    expect(() => parseScale(value)).toThrow(ScaleError);
    expect(() => parseScale(value)).toThrow(message);
    expect(() => parseStackConfig({ SCALE: value }, root)).toThrow(StackConfigError);
    expect(() => parseStackConfig({ SCALE: value }, root)).toThrow(/SCALE/);
  });

  it('names replica i of a subgraph <subgraph>-i on its port + 100 × (i - 1)', () => {
    expect([1, 2, 3].map((i) => replicaName('inventory', i))).toEqual(['inventory', 'inventory-2', 'inventory-3']);
    expect([1, 2, 3].map((i) => replicaPort(4002, i))).toEqual([4002, 4102, 4202]);
    expect(replicaPort(0, 3)).toBe(0);
  });
});
