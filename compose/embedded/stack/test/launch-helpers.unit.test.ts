import { describe, expect, it } from 'vitest';
import { incompleteGatewayKeys, userChoseGatewayKeys } from '../src/gateway-keys.ts';
import { subgraphUrlVariable, userChoseAuth } from '../src/gateway-prep.ts';
import { adminTokenHint, mongoUrlFor, tokenCommand } from '../src/launch.ts';
import { humanizeLogLine } from '../src/output.ts';
import { EMBEDDED_SERVERS, SUBGRAPHS, subgraphEnv, type StackValues } from '../src/services.ts';

describe('mongoUrlFor', () => {
  it('puts the service database into a plain, a replica-set and an SRV URL', () => {
    expect(mongoUrlFor('mongodb://127.0.0.1:27017', 'tributary_order')).toBe('mongodb://127.0.0.1:27017/tributary_order');
    expect(mongoUrlFor('mongodb://a:1,b:2/other?replicaSet=rs0', 'tributary_order')).toBe(
      'mongodb://a:1,b:2/tributary_order?replicaSet=rs0',
    );
    expect(mongoUrlFor('mongodb+srv://u:p@cluster.example/?retryWrites=true', 'db')).toBe(
      'mongodb+srv://u:p@cluster.example/db?retryWrites=true',
    );
  });
});

describe('tokenCommand', () => {
  it('is the short command for the usual secret and names any other secret file', () => {
    expect(tokenCommand('/repo', '/repo/.data/auth/jwt-secret')).toBe('npm run token -- --customer alice');
    expect(tokenCommand('/repo', undefined)).toBe('npm run token -- --customer alice');
    expect(tokenCommand('/repo', '/tmp/d/auth/jwt-secret')).toBe(
      'npm run token -- --customer alice --secret-file /tmp/d/auth/jwt-secret',
    );
    expect(tokenCommand('/repo', undefined, '--customer admin --role admin')).toBe('npm run token -- --customer admin --role admin');
  });

  it('keeps the catalogue hint short: the admin command for the usual secret, a pointer otherwise', () => {
    expect(adminTokenHint('/repo', '/repo/.data/auth/jwt-secret')).toBe('npm run token -- --customer admin --role admin');
    expect(adminTokenHint('/repo', '/tmp/d/auth/jwt-secret')).toBe('the Token command with --role admin');
  });
});

describe('the service table', () => {
  const values: StackValues = {
    port: '4102',
    mongoUrl: 'mongodb://127.0.0.1:27017/tributary_x',
    kafkaBrokers: '127.0.0.1:9092',
    redisUrl: 'redis://127.0.0.1:6379',
    gatewayPublicKeyFile: '/d/auth/gateway-public-key.pem',
    paymentProviderUrl: 'http://127.0.0.1:4010',
    smtpUrl: 'smtp://127.0.0.1:2525',
  };
  const envOf = (name: string, userEnv: Record<string, string> = {}, given: StackValues = values) =>
    subgraphEnv(SUBGRAPHS.find((s) => s.name === name)!, given, userEnv);

  it('gives every subgraph its own port and database', () => {
    expect(new Set(SUBGRAPHS.map((s) => s.port)).size).toBe(SUBGRAPHS.length);
    expect(new Set(SUBGRAPHS.map((s) => s.database)).size).toBe(SUBGRAPHS.length);
  });

  it('gives every subgraph the servers, loopback and the gateway public key', () => {
    for (const { name } of SUBGRAPHS) {
      expect(envOf(name), name).toMatchObject({
        PORT: '4102',
        HOST: '127.0.0.1',
        KAFKA_BROKERS: '127.0.0.1:9092',
        MONGO_URL: 'mongodb://127.0.0.1:27017/tributary_x',
        REDIS_URL: 'redis://127.0.0.1:6379',
        GATEWAY_PUBLIC_KEY_FILE: '/d/auth/gateway-public-key.pem',
      });
    }
  });

  it('gives each subgraph only what its own line asks for', () => {
    const extra = (name: string) => Object.keys(envOf(name)).filter((key) => !['PORT', 'HOST', 'KAFKA_BROKERS', 'MONGO_URL', 'REDIS_URL', 'GATEWAY_PUBLIC_KEY_FILE'].includes(key));
    expect(extra('order')).toEqual([]);
    expect(envOf('inventory').SEED_DEMO_CATALOGUE).toBe('true');
    expect(extra('inventory')).toEqual(['SEED_DEMO_CATALOGUE']);
    expect(envOf('payment').PAYMENT_PROVIDER_URL).toBe('http://127.0.0.1:4010');
    expect(extra('payment')).toEqual(['PAYMENT_PROVIDER_URL']);
    expect(envOf('notification').SMTP_URL).toBe('smtp://127.0.0.1:2525');
    expect(extra('notification')).toEqual(['SMTP_URL']);
  });

  it('leaves out launcher values it does not have, and lets the user turn the demo catalogue off', () => {
    const { gatewayPublicKeyFile: _key, paymentProviderUrl: _url, ...without } = values;
    expect(envOf('payment', {}, without)).not.toHaveProperty('GATEWAY_PUBLIC_KEY_FILE');
    expect(envOf('payment', {}, without)).not.toHaveProperty('PAYMENT_PROVIDER_URL');
    expect(envOf('inventory', { SEED_DEMO_CATALOGUE: 'false' }).SEED_DEMO_CATALOGUE).toBe('false');
    // Fixed values are not the user's to change: a shell's HOST must not expose a subgraph.
    expect(envOf('order', { HOST: 'my-laptop' }).HOST).toBe('127.0.0.1');
  });

  it('lists Kafka, MongoDB and Redis as required servers and the payment provider and SMTP sink as optional', () => {
    expect(EMBEDDED_SERVERS.filter((s) => !s.optional).map((s) => s.name)).toEqual(['kafka', 'mongo', 'redis']);
    expect(EMBEDDED_SERVERS.filter((s) => s.optional).map((s) => s.name)).toEqual(['payment-provider', 'smtp']);
  });

  it('reads each server address from the readiness line its CLI prints', () => {
    const ready = (name: string, line: string) => EMBEDDED_SERVERS.find((s) => s.name === name)!.ready.exec(line);
    expect(ready('kafka', 'kafka broker listening on 127.0.0.1:9092 (data: /d/kafka)')?.[1]).toBe('127.0.0.1:9092');
    expect(ready('payment-provider', 'payment provider listening on http://127.0.0.1:4010')?.[1]).toBe('http://127.0.0.1:4010');
    const smtp = ready('smtp', 'smtp sink listening on smtp://127.0.0.1:2525 (mail in /d/smtp/mail)');
    expect([smtp?.[1], smtp?.[2]]).toEqual(['smtp://127.0.0.1:2525', '/d/smtp/mail']);
  });
});

describe('gateway key pair choice', () => {
  it('creates none when the user set either half, and warns when only one half is set', () => {
    expect(userChoseGatewayKeys({})).toBe(false);
    expect(userChoseGatewayKeys({ GATEWAY_SIGNING_KEY_FILE: '' })).toBe(false);
    expect(userChoseGatewayKeys({ GATEWAY_PUBLIC_KEY: 'pem' })).toBe(true);
    expect(incompleteGatewayKeys({ GATEWAY_SIGNING_KEY_FILE: '/k', GATEWAY_PUBLIC_KEY: 'pem' })).toBeUndefined();
    expect(incompleteGatewayKeys({ GATEWAY_SIGNING_KEY_FILE: '/k' })).toMatch(/subgraphs need the public half/);
    expect(incompleteGatewayKeys({ GATEWAY_PUBLIC_KEY_FILE: '/p' })).toMatch(/gateway needs the private half/);
  });
});

describe('gateway environment', () => {
  it('spells SUBGRAPH_URL_<NAME> as the gateway reads it', () => {
    expect(subgraphUrlVariable('order')).toBe('SUBGRAPH_URL_ORDER');
    expect(subgraphUrlVariable('gift-cards')).toBe('SUBGRAPH_URL_GIFT_CARDS');
  });

  it('leaves auth alone when the user configured it', () => {
    expect(userChoseAuth({ JWKS_URL: 'https://idp/jwks.json' })).toBe(true);
    expect(userChoseAuth({ JWT_SECRET: '' })).toBe(false);
    expect(userChoseAuth({})).toBe(false);
  });
});

describe('humanizeLogLine', () => {
  it('turns a pino line into level, message and the remaining fields', () => {
    const line = humanizeLogLine('{"level":40,"time":1,"pid":2,"hostname":"h","msg":"slow","ms":12}');
    expect(line).toContain('WARN');
    expect(line).toContain('slow');
    expect(line).toContain('"ms":12');
    expect(line).not.toContain('hostname');
  });

  it('passes any other line through unchanged', () => {
    expect(humanizeLogLine('gateway ready at http://127.0.0.1:4000/graphql')).toBe('gateway ready at http://127.0.0.1:4000/graphql');
    expect(humanizeLogLine('{not json')).toBe('{not json');
    expect(humanizeLogLine('{"a":1}')).toBe('{"a":1}');
  });
});
