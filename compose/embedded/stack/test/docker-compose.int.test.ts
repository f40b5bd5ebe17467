import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../src/config.ts';
import { SUBGRAPHS } from '../src/services.ts';

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
}

const compose = parseYaml(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
};
const services = compose.services;
const appServices = Object.entries(services).filter(([, service]) => service.build);

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
    expect(appServices.map(([name]) => name).sort()).toEqual(expect.arrayContaining(['gateway', 'order']));
    for (const [name, service] of appServices) {
      expect(service.build, name).toEqual({ context: '..', dockerfile: 'compose/Dockerfile' });
      expect(service.command?.[0], name).toBe('tsx');
      expect(existsSync(path.join(REPO_ROOT, service.command?.[1] ?? '')), `${name}: ${service.command?.[1]}`).toBe(true);
      expect(service.healthcheck?.test.join(' '), name).toMatch(/node -e fetch\('http:\/\/127\.0\.0\.1:\d+\/ready'\)/);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
      }
    }
  });

  it('wires each subgraph like the launcher does: same port and database, real servers by service name', () => {
    for (const [name, service] of appServices.filter(([serviceName]) => serviceName !== 'gateway')) {
      const entry = SUBGRAPHS.find((subgraph) => subgraph.name === name);
      expect(entry, `${name} is in the launcher's SUBGRAPHS table`).toBeDefined();
      const env = service.environment ?? {};
      expect(String(env.PORT)).toBe(String(entry!.port));
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
      expect(env.MONGO_URL).toBe(`mongodb://mongo:27017/${entry!.database}?replicaSet=rs0`);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(Object.keys(service.depends_on ?? {}).sort()).toEqual(['kafka', 'mongo', 'redis']);
      expect(service.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${entry!.port}/ready`);
    }
  });

  it('publishes the gateway on 4000, routes it to every subgraph service and gives it the dev JWT secret', () => {
    const gateway = services.gateway!;
    const env = gateway.environment ?? {};
    expect(gateway.ports).toContain('4000:4000');
    expect(env.GATEWAY_HOST).toBe('0.0.0.0');
    const subgraphNames = appServices.map(([name]) => name).filter((name) => name !== 'gateway');
    for (const name of subgraphNames) {
      const port = SUBGRAPHS.find((subgraph) => subgraph.name === name)!.port;
      expect(env[`SUBGRAPH_URL_${name.toUpperCase()}`]).toBe(`http://${name}:${port}/graphql`);
      expect(gateway.depends_on?.[name]?.condition).toBe('service_healthy');
    }
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
