import { OK, ONE, ZERO, array, bulk, integer } from '../resp/writer.ts';
import { HASH_VALUE_NOT_INTEGER, NOT_AN_INTEGER, OVERFLOW, WRONGTYPE, wrongArity } from './errors.ts';
import { addInt64, int64Arg } from './numbers.ts';
import type { Keyspace } from '../store/keyspace.ts';
import { keyOf, type CommandContext, type CommandSpec } from './types.ts';

type HashLookup = Map<string, Buffer> | undefined | 'wrongtype';

/** The hash under `key`, undefined when missing, 'wrongtype' when it holds another type. */
function readHash(db: Keyspace, key: string): HashLookup {
  const value = db.get(key);
  if (value === undefined) return undefined;
  return value.kind === 'hash' ? value.data : 'wrongtype';
}

/** The hash under `key`, created empty (keeping nothing else) when missing. */
function writableHash(db: Keyspace, key: string): Map<string, Buffer> | 'wrongtype' {
  const existing = readHash(db, key);
  if (existing !== undefined) return existing;
  const created = new Map<string, Buffer>();
  db.set(key, { kind: 'hash', data: created });
  return created;
}

function setFields(context: CommandContext, replyWithCount: boolean): Buffer {
  const { db, args } = context;
  if (args.length % 2 === 1) return wrongArity(keyOf(args[0]).toLowerCase());
  const key = keyOf(args[1]);
  const hash = writableHash(db, key);
  if (hash === 'wrongtype') return WRONGTYPE;
  let added = 0;
  for (let j = 2; j < args.length; j += 2) {
    const field = keyOf(args[j]);
    if (!hash.has(field)) added++;
    hash.set(field, Buffer.from(args[j + 1] as Buffer));
  }
  db.touch(key);
  return replyWithCount ? integer(added) : OK;
}

function hget({ db, args }: CommandContext): Buffer {
  const hash = readHash(db, keyOf(args[1]));
  if (hash === 'wrongtype') return WRONGTYPE;
  return bulk(hash?.get(keyOf(args[2])));
}

function hmget({ db, args }: CommandContext): Buffer {
  const hash = readHash(db, keyOf(args[1]));
  if (hash === 'wrongtype') return WRONGTYPE;
  return array(args.slice(2).map((field) => bulk(hash?.get(keyOf(field)))));
}

function hgetall({ db, args }: CommandContext): Buffer {
  const hash = readHash(db, keyOf(args[1]));
  if (hash === 'wrongtype') return WRONGTYPE;
  const items: Buffer[] = [];
  for (const [field, value] of hash ?? []) items.push(bulk(Buffer.from(field, 'latin1')), bulk(value));
  return array(items);
}

function hashView(pick: (hash: Map<string, Buffer>) => Buffer[]) {
  return ({ db, args }: CommandContext): Buffer => {
    const hash = readHash(db, keyOf(args[1]));
    if (hash === 'wrongtype') return WRONGTYPE;
    return array(hash === undefined ? [] : pick(hash).map(bulk));
  };
}

function hdel({ db, args }: CommandContext): Buffer {
  const key = keyOf(args[1]);
  const hash = readHash(db, key);
  if (hash === 'wrongtype') return WRONGTYPE;
  if (hash === undefined) return ZERO;
  let removed = 0;
  for (const field of args.slice(2)) if (hash.delete(keyOf(field))) removed++;
  // Redis never keeps an empty hash: the key goes away with its last field.
  if (hash.size === 0) db.delete(key);
  else if (removed > 0) db.touch(key);
  return integer(removed);
}

function hincrby({ db, args }: CommandContext): Buffer {
  const delta = int64Arg(args[3]);
  if (delta === undefined) return NOT_AN_INTEGER;
  const key = keyOf(args[1]);
  const hash = writableHash(db, key);
  if (hash === 'wrongtype') return WRONGTYPE;
  const field = keyOf(args[2]);
  const stored = hash.get(field);
  const current = stored === undefined ? 0n : int64Arg(stored);
  if (current === undefined) return HASH_VALUE_NOT_INTEGER;
  const next = addInt64(current, delta);
  if (next === undefined) return OVERFLOW;
  hash.set(field, Buffer.from(next.toString()));
  db.touch(key);
  return integer(next);
}

function hexists({ db, args }: CommandContext): Buffer {
  const hash = readHash(db, keyOf(args[1]));
  if (hash === 'wrongtype') return WRONGTYPE;
  return hash?.has(keyOf(args[2])) ? ONE : ZERO;
}

function hlen({ db, args }: CommandContext): Buffer {
  const hash = readHash(db, keyOf(args[1]));
  if (hash === 'wrongtype') return WRONGTYPE;
  return integer(hash?.size ?? 0);
}

export const hashCommands: CommandSpec[] = [
  { name: 'hset', arity: -4, keys: [1, 1, 1], run: (c) => setFields(c, true) },
  { name: 'hmset', arity: -4, keys: [1, 1, 1], run: (c) => setFields(c, false) },
  { name: 'hget', arity: 3, keys: [1, 1, 1], run: hget },
  { name: 'hmget', arity: -3, keys: [1, 1, 1], run: hmget },
  { name: 'hgetall', arity: 2, keys: [1, 1, 1], run: hgetall },
  { name: 'hkeys', arity: 2, keys: [1, 1, 1], run: hashView((h) => [...h.keys()].map((f) => Buffer.from(f, 'latin1'))) },
  { name: 'hvals', arity: 2, keys: [1, 1, 1], run: hashView((h) => [...h.values()]) },
  { name: 'hdel', arity: -3, keys: [1, 1, 1], run: hdel },
  { name: 'hincrby', arity: 4, keys: [1, 1, 1], run: hincrby },
  { name: 'hexists', arity: 3, keys: [1, 1, 1], run: hexists },
  { name: 'hlen', arity: 2, keys: [1, 1, 1], run: hlen },
];
