import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { startRedis } from '../src/index.ts';
import { dataCases } from './contract/data-cases.ts';
import { protocolCases } from './contract/protocol-cases.ts';
import { transactionCases } from './contract/transaction-cases.ts';
import { newClient, type ContractCase, type Harness } from './contract/harness.ts';
import { realRedisUnavailableReason, startRealRedis } from './support/real-redis.ts';

/**
 * One contract, two servers: every case runs against the embedded server and a real
 * redis-server, checks its own expectations on each, and finally the two transcripts must be
 * identical. Cases live in ./contract/*-cases.ts, defined once.
 */
const cases: ContractCase[] = [...dataCases, ...protocolCases, ...transactionCases];

interface Target {
  name: 'embedded' | 'redis-server';
  skipReason: string | undefined;
  start(): Promise<{ url: string; close(): Promise<void> }>;
}

const realSkipReason = realRedisUnavailableReason();
if (realSkipReason !== undefined) console.warn(`[redis contract] skipping real target: ${realSkipReason}`);

const targets: Target[] = [
  { name: 'embedded', skipReason: undefined, start: () => startRedis() },
  { name: 'redis-server', skipReason: realSkipReason, start: startRealRedis },
];

/** transcripts[caseName][targetName], filled by the per-target runs, compared at the end. */
const transcripts = new Map<string, Map<string, unknown>>();

describe.each(targets)('redis contract on $name', (target) => {
  let server: { url: string; close(): Promise<void> } | undefined;
  let client: Redis | undefined;

  beforeAll(async () => {
    if (target.skipReason !== undefined) return;
    server = await target.start();
    client = newClient(server.url);
    await client.flushall();
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.close();
  });

  test.for(cases.map((contractCase, index) => ({ contractCase, index, name: contractCase.name })))(
    '$name',
    async ({ contractCase, index }, context) => {
      if (target.skipReason !== undefined) {
        context.skip(target.skipReason);
        return;
      }
      const extra: Redis[] = [];
      const harness: Harness = {
        client: client as Redis,
        key: (name) => `contract:${index}:${name}`,
        connect: async () => {
          const connection = newClient((server as { url: string }).url);
          extra.push(connection);
          await connection.ping();
          return connection;
        },
      };
      try {
        const transcript = await contractCase.run(harness);
        if (!transcripts.has(contractCase.name)) transcripts.set(contractCase.name, new Map());
        transcripts.get(contractCase.name)?.set(target.name, transcript);
        contractCase.check(transcript as never);
      } finally {
        for (const connection of extra) connection.disconnect();
      }
    },
  );
});

describe('embedded answers exactly like redis-server', () => {
  test.for(cases.map((contractCase) => ({ name: contractCase.name })))('$name', ({ name }, context) => {
    if (realSkipReason !== undefined) {
      context.skip(realSkipReason);
      return;
    }
    const byTarget = transcripts.get(name);
    // Both runs above must have produced a transcript; a missing one means that run failed early.
    expect(byTarget?.has('redis-server'), 'redis-server transcript recorded').toBe(true);
    expect(byTarget?.has('embedded'), 'embedded transcript recorded').toBe(true);
    expect(byTarget?.get('embedded')).toEqual(byTarget?.get('redis-server'));
  });
});
