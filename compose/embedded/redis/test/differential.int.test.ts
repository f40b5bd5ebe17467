import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRedis, type RunningRedis } from '../src/index.ts';
import { encodeCommands, randomCommands } from './support/random-commands.ts';
import { sendRaw } from './support/raw-replies.ts';
import { realRedisUnavailableReason, startRealRedis, type RealRedis } from './support/real-redis.ts';

/**
 * Differential test: the same seeded random command stream goes to the embedded server and to a
 * real redis-server, pipelined on a raw socket; every reply must be byte-identical.
 */
const skipReason = realRedisUnavailableReason();
const COMMANDS_PER_SEED = 2_000;

describe.skipIf(skipReason !== undefined)('embedded vs redis-server on random command streams', () => {
  let embedded: RunningRedis;
  let real: RealRedis;

  beforeAll(async () => {
    [embedded, real] = await Promise.all([startRedis(), startRealRedis()]);
  });

  afterAll(async () => {
    await Promise.all([embedded?.close(), real?.close()]);
  });

  test.for([1, 2, 3, 4, 5, 42])('seed %i', async (seed) => {
    const commands = [['FLUSHALL'], ...randomCommands(seed, COMMANDS_PER_SEED)];
    const wire = encodeCommands(commands);
    const [ours, theirs] = await Promise.all([
      sendRaw(embedded.port, wire, commands.length),
      sendRaw(real.port, wire, commands.length),
    ]);
    expect(theirs).toHaveLength(commands.length);
    // Pair each reply with its command so a difference points at the culprit.
    const annotate = (replies: string[]) => replies.map((reply, i) => `${commands[i]?.join(' ')} => ${reply}`);
    expect(annotate(ours)).toEqual(annotate(theirs));
  });
});

if (skipReason !== undefined) console.warn(`[redis differential] skipped: ${skipReason}`);
