import { randomUUID } from 'node:crypto';
import { parse } from 'graphql';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeToMessage } from '@tributary/bus';
import { DomainError, type Actor, type AnyEventEnvelope } from '@tributary/contracts';
import { createLogger } from '@tributary/telemetry';
import { makeEnvelope, sampleEvents } from '@tributary/testing';
import { callSubgraph, eventually, startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import type { ServiceContext } from '../context.ts';
import { createService, type BackgroundWorker, type Service, type ServiceDeps } from '../service.ts';

// createService on the embedded stack (real kafkajs and mongoose): lifecycle, trust, the error
// mapping, consumers, workers and readiness, with a tiny Federation 2 schema of its own.

const NAME = 'kit';
const TOPIC = 'kit-test.events';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Caller { customerId: String! role: String! }
  type Query { me: Caller }
  type Mutation { conflict: Boolean, crash: Boolean }
`);

const resolvers = {
  Query: { me: (_: unknown, __: unknown, context: ServiceContext) => context.actor ?? null },
  Mutation: {
    conflict: () => {
      throw new DomainError('CONFLICT', 'order o-1 was already shipped', { orderId: 'o-1' });
    },
    crash: () => {
      throw new Error(`database exploded at ${import.meta.url}`);
    },
  },
};

/** A worker that records its lifecycle. */
function recordingWorker(name: string) {
  const calls: string[] = [];
  const worker: BackgroundWorker = {
    name,
    start: async () => void calls.push('start'),
    stop: async () => void calls.push('stop'),
  };
  return { worker, calls };
}

let infra: TestInfrastructure;
let producer: Producer;

beforeAll(async () => {
  infra = await startInfrastructure({ partitions: 2 });
  producer = infra.kafka('kit-test-producer').producer();
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await infra?.stop();
});

async function deps(name: string): Promise<ServiceDeps> {
  return {
    name,
    config: { host: '127.0.0.1', port: 0, kafkaPartitions: 2 },
    logger: createLogger(`${name}-test`, 'silent'),
    connection: await infra.connect(`tributary_${name}_${randomUUID().slice(0, 8)}`),
    kafka: infra.kafka(name),
    verifier: await infra.verifier(name),
    groupSuffix: `.${randomUUID()}`,
  };
}

describe('a running service', () => {
  const received: AnyEventEnvelope[] = [];
  const { worker, calls: workerCalls } = recordingWorker('ticker');
  const alice: Actor = { customerId: 'alice', role: 'customer' };
  let service: Service;
  let url: string;
  let base: string;

  const call = <T = Record<string, unknown>>(query: string, actor: Actor | null = alice) =>
    callSubgraph<T>(url, { query }, { audience: NAME, actor, signer: infra.signer });

  beforeAll(async () => {
    service = createService(await deps(NAME), () => ({
      typeDefs,
      resolvers,
      topics: [TOPIC],
      consumers: [{ name: 'recorder', topics: [TOPIC], handle: async (envelope) => void received.push(envelope) }],
      workers: [worker],
    }));
    url = await service.start();
    base = url.replace(/\/graphql$/, '');
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('listens on the configured host and answers a signed request with the caller in context', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(await call('{ me { customerId role } }')).toEqual({ status: 200, data: { me: { customerId: 'alice', role: 'customer' } } });
    expect(await call('{ me { customerId } }', null)).toEqual({ status: 200, data: { me: null } });
  });

  it('refuses an unsigned request, and one signed for another subgraph, with 401 UNAUTHENTICATED', async () => {
    const unsigned = await callSubgraph(url, { query: '{ me { customerId } }' }, { audience: NAME, actor: alice, signer: null });
    expect(unsigned.status).toBe(401);
    expect(unsigned.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(unsigned.data).toBeUndefined();
    const elsewhere = await callSubgraph(url, { query: '{ me { customerId } }' }, { audience: 'payment', actor: alice, signer: infra.signer });
    expect(elsewhere.status).toBe(401);
  });

  it('answers a DomainError with its code, message and details', async () => {
    const result = await call('mutation { conflict }');
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ conflict: null });
    expect(result.errors).toEqual([
      { message: 'order o-1 was already shipped', locations: [{ line: 1, column: 12 }], path: ['conflict'], extensions: { orderId: 'o-1', code: 'CONFLICT' } },
    ]);
  });

  it('answers any other error as INTERNAL_SERVER_ERROR without stack trace or file path', async () => {
    const result = await call('mutation { crash }');
    expect(result.errors).toEqual([
      { message: 'internal server error', locations: [{ line: 1, column: 12 }], path: ['crash'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    const text = JSON.stringify(result);
    expect(text).not.toMatch(/stacktrace|exploded|file:|\.ts\b|\.js\b|node_modules|\bat /);
  });

  it('answers an invalid query with GRAPHQL_VALIDATION_FAILED and no stack trace', async () => {
    const result = await call('{ nope }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(result)).not.toContain('stacktrace');
  });

  it('serves the federation entry points of a subgraph', async () => {
    const result = await call<{ _service: { sdl: string } }>('{ _service { sdl } }', null);
    expect(result.data?._service.sdl).toContain('type Caller');
  });

  it('delivers an event produced to its topic to the consumer', async () => {
    const envelope = makeEnvelope(sampleEvents.OrderShipped, { aggregateId: `o-${randomUUID()}` });
    await producer.send({ topic: TOPIC, acks: -1, messages: [envelopeToMessage(envelope)] });
    const delivered = await eventually(async () => received.find((e) => e.id === envelope.id), 20_000, 'the consumer to receive the event');
    expect(delivered).toEqual(envelope);
  });

  it('started its worker once', () => {
    expect(workerCalls).toEqual(['start']);
  });

  it('reports MongoDB and Kafka ready, liveness and metrics, without an assertion', async () => {
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { mongodb: { ok: true }, kafka: { ok: true } } });
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain(`service="${NAME}"`);
  });

  it('creates its topics and their dead-letter topics', async () => {
    const admin = infra.kafka('kit-test-admin').admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toEqual(expect.arrayContaining([TOPIC, `${TOPIC}.dlq`]));
    } finally {
      await admin.disconnect();
    }
  });
});

describe('topics it consumes', () => {
  it('creates a topic it only consumes with the configured partitions, before any consumer can have the broker auto-create it', async () => {
    const consumed = `kit-test.consumed-${randomUUID().slice(0, 8)}`;
    // 5, not the broker's default of 2: an auto-created topic would show 2.
    const service = createService({ ...(await deps('consumer-only')), config: { host: '127.0.0.1', port: 0, kafkaPartitions: 5 } }, () => ({
      typeDefs,
      resolvers,
      topics: [],
      consumers: [{ name: 'reader', topics: [consumed], handle: async () => undefined }],
    }));
    await service.start();
    const admin = infra.kafka('kit-test-admin').admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [consumed, `${consumed}.dlq`] });
      expect(metadata.topics.map((topic) => [topic.name, topic.partitions.length]).sort()).toEqual([
        [consumed, 5],
        [`${consumed}.dlq`, 5],
      ]);
    } finally {
      await admin.disconnect();
      await service.stop();
    }
  });
});

describe('service lifecycle', () => {
  it('stops what it started: workers, consumers and the HTTP server', async () => {
    const { worker, calls } = recordingWorker('lifecycle');
    const service = createService(await deps('lifecycle'), () => ({ typeDefs, resolvers, topics: ['kit-test.lifecycle'], workers: [worker] }));
    const url = await service.start();
    expect(service.start()).toBe(service.start());
    expect((await callSubgraph(url, { query: '{ me { role } }' }, { audience: 'lifecycle', actor: null, signer: infra.signer })).status).toBe(200);
    await service.stop();
    expect(calls).toEqual(['start', 'stop']);
    await expect(fetch(url.replace(/\/graphql$/, '/health'))).rejects.toThrow();
  });

  it('settles a stop() that arrives during start(), leaving nothing listening', async () => {
    const { worker, calls } = recordingWorker('early-stop');
    const options = await deps('earlystop');
    const service = createService(options, () => ({
      typeDefs,
      resolvers,
      topics: ['kit-test.early-stop'],
      consumers: [{ name: 'idle', topics: ['kit-test.early-stop'], handle: async () => undefined }],
      workers: [worker],
    }));
    const starting = service.start();
    await service.stop();
    // stop() waited for start() to finish, then undid all of it.
    const url = await starting;
    expect(calls).toEqual(['start', 'stop']);
    await expect(fetch(url.replace(/\/graphql$/, '/health'))).rejects.toThrow();
    const admin = infra.kafka('kit-test-admin').admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([`earlystop.idle${options.groupSuffix}`]);
      expect(groups[0]?.members).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it('settles a stop() after a failed start() without stopping what never started', async () => {
    const { worker, calls } = recordingWorker('never');
    const service = createService(await deps('failing'), () => ({
      typeDefs,
      resolvers,
      topics: ['kit-test.failing'],
      init: async () => {
        throw new Error('index build failed');
      },
      workers: [worker],
    }));
    await expect(service.start()).rejects.toThrow('index build failed');
    await expect(service.stop()).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });
});
