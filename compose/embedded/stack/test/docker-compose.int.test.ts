import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../src/config.ts';
import { PUBLIC_KEY_FILE, SIGNING_KEY_FILE } from '../src/gateway-keys.ts';
import { SUBGRAPHS, type StackValues } from '../src/services.ts';

/**
 * compose/docker-compose.yml: validated by Docker Compose itself where the CLI plugin exists,
 * and always checked for the wiring the project relies on (healthchecks, depends_on, addresses,
 * entry files that exist), so a broken edit fails here even on a machine without Docker.
 */

const run = promisify(execFile);
const COMPOSE_FILE = path.join(REPO_ROOT, 'compose/docker-compose.yml');

async function composePluginVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await run('docker', ['compose', 'version'], { timeout: 10_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

const pluginVersion = await composePluginVersion();
if (!pluginVersion) {
  console.info('docker-compose.int.test: `docker compose version` failed (no docker CLI or no compose plugin); skipping `docker compose config -q`');
}

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  secrets?: string[];
  volumes?: string[];
  restart?: string;
  deploy?: { replicas?: string | number };
  container_name?: string;
}

const compose = parseYaml(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
};
const services = compose.services;
const appServices = Object.entries(services).filter(([, service]) => service.build);
/** App services that are not subgraphs; any other app service must be in the launcher's SUBGRAPHS. */
const NOT_SUBGRAPHS = ['gateway', 'keys', 'payment-provider'];
/** Runs once and exits (dependants wait for service_completed_successfully). */
const ONE_SHOT = ['keys'];
const subgraphServices = appServices.filter(([name]) => !NOT_SUBGRAPHS.includes(name));

/** The compose stack's values for the launcher's `from(...)` entries in SUBGRAPHS (services.ts). */
const COMPOSE_VALUES: Partial<Record<keyof StackValues, string>> = {
  gatewayPublicKeyFile: `/public-keys/${PUBLIC_KEY_FILE}`,
  paymentProviderUrl: 'http://payment-provider:4010',
  smtpUrl: 'smtp://mailpit:1025',
};

describe('compose/docker-compose.yml', () => {
  it.skipIf(!pluginVersion)('is accepted by `docker compose config -q`', async () => {
    const { stderr } = await run('docker', ['compose', '-f', COMPOSE_FILE, 'config', '-q'], { timeout: 30_000 });
    expect(stderr).toBe('');
  });

  it('runs Kafka in KRaft mode, reachable as kafka:9092, with a broker healthcheck', () => {
    const kafka = services.kafka!;
    expect(kafka.image).toMatch(/^apache\/kafka:/);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(String(kafka.environment?.KAFKA_ADVERTISED_LISTENERS)).toContain('PLAINTEXT://kafka:9092');
    expect(kafka.healthcheck?.test.join(' ')).toMatch(/kafka-(broker-api-versions|topics)\.sh/);
  });

  it('runs MongoDB 7 as a replica set that its healthcheck initiates', () => {
    const mongo = services.mongo!;
    expect(mongo.image).toBe('mongo:7');
    expect(mongo.command?.join(' ')).toContain('--replSet rs0');
    const test = mongo.healthcheck?.test.join(' ') ?? '';
    expect(test).toContain('mongosh');
    expect(test).toContain("rs.initiate({ _id: 'rs0'");
    expect(test).toContain("host: 'mongo:27017'");
  });

  it('runs Redis 7 with a ping healthcheck', () => {
    expect(services.redis?.image).toMatch(/^redis:7/);
    expect(services.redis?.healthcheck?.test.join(' ')).toContain('redis-cli ping');
  });

  it('builds every app service from compose/Dockerfile and starts an entry file that exists', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(expect.arrayContaining(['gateway', 'keys', 'order', 'payment-provider']));
    for (const [name, service] of appServices) {
      expect(service.build, name).toEqual({ context: '..', dockerfile: 'compose/Dockerfile' });
      expect(service.command?.[0], name).toBe('tsx');
      expect(existsSync(path.join(REPO_ROOT, service.command?.[1] ?? '')), `${name}: ${service.command?.[1]}`).toBe(true);
      if (!ONE_SHOT.includes(name)) {
        expect(service.healthcheck?.test.join(' '), name).toMatch(/node -e fetch\('http:\/\/127\.0\.0\.1:\d+\/(ready|health)'\)/);
      }
    }
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        const expected = ONE_SHOT.includes(dependency) ? 'service_completed_successfully' : 'service_healthy';
        expect(condition, `${name} -> ${dependency}`).toBe(expected);
      }
    }
  });

  it('runs every subgraph of the launcher, and nothing else as a subgraph', () => {
    expect(subgraphServices.map(([name]) => name).sort()).toEqual(SUBGRAPHS.map((subgraph) => subgraph.name).sort());
  });

  it('wires each subgraph like the launcher does: same port, database and variables, real servers by service name', () => {
    for (const [name, service] of subgraphServices) {
      const entry = SUBGRAPHS.find((subgraph) => subgraph.name === name);
      expect(entry, `${name} is in the launcher's SUBGRAPHS table`).toBeDefined();
      const env = service.environment ?? {};
      expect(service.command?.[1]).toBe(entry!.entry);
      expect(String(env.PORT)).toBe(String(entry!.port));
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
      expect(env.MONGO_URL).toBe(`mongodb://mongo:27017/${entry!.database}?replicaSet=rs0`);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.GATEWAY_PUBLIC_KEY_FILE).toBe(COMPOSE_VALUES.gatewayPublicKeyFile);
      // The subgraph's own line in SUBGRAPHS, with compose's addresses for the launcher's values.
      for (const [variable, value] of Object.entries(entry!.env)) {
        const expected = typeof value === 'string' ? value : 'from' in value ? COMPOSE_VALUES[value.from] : value.byDefault;
        expect(String(env[variable]), `${name} ${variable}`).toBe(expected);
      }
      // Only the public key: the signing key's volume is the gateway's alone.
      expect(service.volumes, name).toEqual(['gateway-public-key:/public-keys:ro']);
      const extraDependencies = { payment: ['payment-provider'], notification: ['mailpit'] }[name] ?? [];
      expect(Object.keys(service.depends_on ?? {}).sort(), name).toEqual(['kafka', 'keys', 'mongo', 'redis', ...extraDependencies].sort());
      expect(service.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${entry!.port}/ready`);
    }
  });

  it('runs replicas of every subgraph, as many as <NAME>_REPLICAS says, none with a host port or a fixed container name', () => {
    const defaults: Record<string, number> = {};
    for (const [name, service] of subgraphServices) {
      const variable = `${name.toUpperCase()}_REPLICAS`;
      const match = /^\$\{([A-Z_]+):-(\d+)\}$/.exec(String(service.deploy?.replicas));
      expect(match?.[1], `${name}: deploy.replicas is \${${variable}:-<n>}`).toBe(variable);
      defaults[name] = Number(match?.[2]);
      expect(defaults[name], name).toBeGreaterThanOrEqual(1);
      // A published port or a container name can be held by one container only.
      expect(service.ports, name).toBeUndefined();
      expect(service.container_name, name).toBeUndefined();
    }
    // The example compose shows: inventory and notification run twice unless told otherwise.
    expect(defaults.inventory).toBeGreaterThanOrEqual(2);
    expect(defaults.notification).toBeGreaterThanOrEqual(2);
  });

  it('creates the gateway key pair once, in a one-shot service that reuses the launcher code', () => {
    const keys = services.keys!;
    expect(keys.command?.slice(1)).toEqual(['compose/embedded/stack/src/gateway-keys-cli.ts', '--dir', '/keys', '--public-dir', '/public-keys']);
    expect(keys.restart).toBe('no');
    expect(keys.volumes).toEqual(['gateway-signing-key:/keys', 'gateway-public-key:/public-keys']);
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'compose/Dockerfile'), 'utf8');
    // The volumes' mount points exist in the image and belong to the user the services run as.
    expect(dockerfile).toMatch(/install -d -o node -g node -m 0700 \/keys\b/);
    expect(dockerfile).toMatch(/install -d -o node -g node -m 0755 \/public-keys\b/);
  });

  it('runs the development payment provider and Mailpit as the SMTP server', () => {
    const provider = services['payment-provider']!;
    expect(provider.command).toEqual(['tsx', 'compose/embedded/payment-provider/src/cli.ts', '--port', '4010', '--host', '0.0.0.0']);
    expect(provider.healthcheck?.test.join(' ')).toContain('127.0.0.1:4010/health');
    const mailpit = services.mailpit!;
    expect(mailpit.image).toMatch(/^axllent\/mailpit(:|$)/);
    expect(mailpit.healthcheck?.test).toEqual(['CMD', '/mailpit', 'readyz']);
    expect(mailpit.ports).toContain('8025:8025');
  });

  it('publishes the gateway on 4000, routes it to every subgraph service and gives it the dev JWT secret and the signing key', () => {
    const gateway = services.gateway!;
    const env = gateway.environment ?? {};
    expect(gateway.ports).toContain('4000:4000');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.GATEWAY_HOST).toBe('0.0.0.0');
    for (const [name] of subgraphServices) {
      const port = SUBGRAPHS.find((subgraph) => subgraph.name === name)!.port;
      expect(env[`SUBGRAPH_URL_${name.toUpperCase()}`]).toBe(`http://${name}:${port}/graphql`);
      expect(gateway.depends_on?.[name]?.condition).toBe('service_healthy');
    }
    expect(env.GATEWAY_SIGNING_KEY_FILE).toBe(`/keys/${SIGNING_KEY_FILE}`);
    expect(gateway.volumes).toEqual(['gateway-signing-key:/keys:ro']);
    expect(gateway.depends_on?.keys?.condition).toBe('service_completed_successfully');
    expect(env.JWT_SECRET_FILE).toBe('/run/secrets/jwt_secret');
    expect(gateway.secrets).toContain('jwt_secret');
    const secretFile = path.join(REPO_ROOT, 'compose', compose.secrets.jwt_secret!.file);
    expect(readFileSync(secretFile, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
  });

  it('has one Dockerfile on node:20-bookworm-slim that installs with npm ci', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'compose/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
  });
});
