import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Seeded random command sequences for differential testing: a few keys so that commands collide
 * (WRONGTYPE, overwrites, counters on text), awkward integers, option combinations, and
 * occasional wrong arity or unknown commands. TTLs are long so replies do not depend on timing,
 * and every TTL-setting choice gives a different duration in ms: two equal relative TTLs set a
 * millisecond apart would make EXPIRE GT/LT answers depend on the clock. No duration ends in
 * 500 ms either, where TTL's rounding to the nearest second would flip after one millisecond.
 */

/** A seeded source of floats in [0, 1) (pure-rand's xoroshiro128+): the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

const KEYS = ['a', 'b', 'c', 'h1', 'h2', 'n', 'missing'];
const FIELDS = ['f1', 'f2', 'f3'];
const VALUES = ['1', '-5', '0', '10', 'abc', '', ' 7', '007', '9223372036854775807', '-9223372036854775808', '3.5'];
const SET_OPTIONS = [['NX'], ['XX'], ['GET'], ['KEEPTTL'], ['EX', '1000'], ['PX', '2500000'], ['EX', '0'], ['EX', 'soon'], ['PX']];
// GT/LT only in refused combinations: repeating one relative TTL would compare two expiry times
// a few ms apart, a race between clock and pipeline. test/contract covers GT and LT on their own.
const EXPIRE_OPTIONS = [[], [], ['NX'], ['XX'], ['NX', 'XX'], ['NX', 'GT'], ['GT', 'LT'], ['BOGUS']];

type Generator = (pick: <T>(items: readonly T[]) => T, random: () => number) => string[];

const generators: Generator[] = [
  (pick) => ['SET', pick(KEYS), pick(VALUES)],
  (pick, random) => ['SET', pick(KEYS), pick(VALUES), ...pick(SET_OPTIONS), ...(random() < 0.4 ? pick(SET_OPTIONS) : [])],
  (pick) => ['GET', pick(KEYS)],
  (pick) => [pick(['SETEX', 'PSETEX']), pick(KEYS), pick(['8000', '4500000', '0', '-1', 'x']), pick(VALUES)],
  (pick) => ['SETNX', pick(KEYS), pick(VALUES)],
  (pick) => ['GETDEL', pick(KEYS)],
  (pick) => ['MGET', pick(KEYS), pick(KEYS), pick(KEYS)],
  (pick) => [pick(['INCR', 'DECR']), pick(KEYS)],
  (pick) => [pick(['INCRBY', 'DECRBY']), pick(KEYS), pick(VALUES)],
  (pick) => ['DEL', pick(KEYS), pick(KEYS)],
  (pick) => ['EXISTS', pick(KEYS), pick(KEYS), pick(KEYS)],
  (pick) => ['TYPE', pick(KEYS)],
  (pick) => [pick(['EXPIRE', 'PEXPIRE']), pick(KEYS), pick(['5200', '-1', '2000000', 'x', '9223372036854775807']), ...pick(EXPIRE_OPTIONS)],
  (pick) => ['TTL', pick(KEYS)],
  (pick) => ['PERSIST', pick(KEYS)],
  (pick) => ['HSET', pick(KEYS), pick(FIELDS), pick(VALUES), ...(pick([true, false]) ? [pick(FIELDS), pick(VALUES)] : [])],
  (pick) => ['HGET', pick(KEYS), pick(FIELDS)],
  (pick) => ['HGETALL', pick(KEYS)],
  (pick) => ['HDEL', pick(KEYS), pick(FIELDS), pick(FIELDS)],
  (pick) => ['HINCRBY', pick(KEYS), pick(FIELDS), pick(VALUES)],
  (pick) => ['HEXISTS', pick(KEYS), pick(FIELDS)],
  (pick) => ['HLEN', pick(KEYS)],
  () => ['DBSIZE'],
  // Transactions open and close at random, so many commands above also get queued and EXECed.
  (pick) => [pick(['MULTI', 'EXEC', 'DISCARD'])],
  (pick) => ['WATCH', pick(KEYS), pick(KEYS)],
  () => ['UNWATCH'],
  (pick) => ['ECHO', pick(VALUES)],
  // Wrong arity and unknown commands, sent with the casing a client might use.
  (pick) => [pick(['GET', 'get', 'HGET', 'incr', 'ttl', 'HSET'])],
  (pick) => [pick(['FROB', 'lpushy', 'Zaddd']), pick(KEYS), pick(VALUES)],
];

export function randomCommands(seed: number, count: number): string[][] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, () => pick(generators)(pick, random));
}

/** Encodes commands as RESP multibulk frames, as a client library would send them. */
export function encodeCommands(commands: string[][]): Buffer {
  const parts = commands.map((args) =>
    `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`);
  return Buffer.from(parts.join(''));
}
