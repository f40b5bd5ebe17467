import { OK, ONE, ZERO, array, bulk, bulkArray, error, integer, simple } from '../resp/writer.ts';
import { NOT_AN_INTEGER, SYNTAX_ERROR, invalidExpireTime } from './errors.ts';
import { absoluteExpireMs, int64Arg, type ExpireUnit } from './numbers.ts';
import { globMatch } from '../store/glob.ts';
import type { Keyspace } from '../store/keyspace.ts';
import { keyOf, type CommandContext, type CommandSpec } from './types.ts';

function countKeys({ args }: CommandContext, action: (key: string) => boolean): Buffer {
  let count = 0;
  for (const arg of args.slice(1)) if (action(keyOf(arg))) count++;
  return integer(count);
}

type ExpireFlags = { nx: boolean; xx: boolean; gt: boolean; lt: boolean };

function parseExpireFlags(args: Buffer[]): ExpireFlags | Buffer {
  const flags: ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  for (const arg of args.slice(3)) {
    const option = keyOf(arg).toLowerCase();
    if (option === 'nx' || option === 'xx' || option === 'gt' || option === 'lt') flags[option] = true;
    else return error(`ERR Unsupported option ${keyOf(arg)}`);
  }
  if (flags.nx && (flags.xx || flags.gt || flags.lt)) {
    return error('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags.gt && flags.lt) return error('ERR GT and LT options at the same time are not compatible');
  return flags;
}

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with the Redis 7 NX/XX/GT/LT conditions. */
function expireCommand(name: string, unit: ExpireUnit, relative: boolean) {
  return ({ db, args, server }: CommandContext): Buffer => {
    const flags = parseExpireFlags(args);
    if (Buffer.isBuffer(flags)) return flags;
    const at = absoluteExpireMs(args[2], unit, relative, server.now());
    if (at === 'not-integer') return NOT_AN_INTEGER;
    if (at === 'invalid') return invalidExpireTime(name);
    const key = keyOf(args[1]);
    if (!db.has(key)) return ZERO;
    const current = db.expiresAt(key); // undefined = no TTL, which GT/LT treat as infinite
    const next = Number(at);
    if (flags.nx && current !== undefined) return ZERO;
    if (flags.xx && current === undefined) return ZERO;
    if (flags.gt && (current === undefined || next <= current)) return ZERO;
    if (flags.lt && current !== undefined && next >= current) return ZERO;
    db.setExpiresAt(key, next);
    return ONE;
  };
}

function ttlCommand(unit: ExpireUnit) {
  return ({ db, args, server }: CommandContext): Buffer => {
    const key = keyOf(args[1]);
    if (!db.has(key)) return integer(-2);
    const at = db.expiresAt(key);
    if (at === undefined) return integer(-1);
    const remaining = Math.max(0, at - server.now());
    // Rounded to the nearest second, like redis-server.
    return integer(unit === 'seconds' ? Math.floor((remaining + 500) / 1000) : remaining);
  };
}

function typeCommand({ db, args }: CommandContext): Buffer {
  return simple(db.get(keyOf(args[1]))?.kind ?? 'none');
}

function matchingKeys(db: Keyspace, pattern: string | undefined): Buffer[] {
  const keys: Buffer[] = [];
  for (const key of db.keys()) {
    if (pattern === undefined || pattern === '*' || globMatch(pattern, key)) keys.push(Buffer.from(key, 'latin1'));
  }
  return keys;
}

/**
 * SCAN answers every matching key in one batch with cursor 0. The SCAN contract allows any
 * batch size, so clients that loop until cursor 0 work unchanged.
 */
function scan({ db, args }: CommandContext): Buffer {
  if (!/^[0-9]+$/.test(keyOf(args[1]))) return error('ERR invalid cursor');
  let pattern: string | undefined;
  let type: string | undefined;
  for (let j = 2; j < args.length; j += 2) {
    const option = keyOf(args[j]).toLowerCase();
    const value = args[j + 1];
    if (value === undefined) return SYNTAX_ERROR;
    if (option === 'match') pattern = keyOf(value);
    else if (option === 'type') type = keyOf(value).toLowerCase();
    else if (option === 'count') {
      const count = int64Arg(value);
      if (count === undefined) return NOT_AN_INTEGER;
      if (count < 1n) return SYNTAX_ERROR;
    } else return SYNTAX_ERROR;
  }
  const keys = matchingKeys(db, pattern).filter(
    (key) => type === undefined || db.get(keyOf(key))?.kind === type,
  );
  return array([bulk('0'), array(keys.map(bulk))]);
}

function flush(databases: Keyspace[], args: Buffer[]): Buffer {
  const mode = args[1] === undefined ? 'sync' : keyOf(args[1]).toLowerCase();
  if (args.length > 2 || (mode !== 'sync' && mode !== 'async')) return SYNTAX_ERROR;
  for (const db of databases) db.clear();
  return OK;
}

export const keyCommands: CommandSpec[] = [
  { name: 'del', arity: -2, keys: [1, -1, 1], run: (c) => countKeys(c, (key) => c.db.delete(key)) },
  { name: 'unlink', arity: -2, keys: [1, -1, 1], run: (c) => countKeys(c, (key) => c.db.delete(key)) },
  { name: 'exists', arity: -2, keys: [1, -1, 1], run: (c) => countKeys(c, (key) => c.db.has(key)) },
  { name: 'expire', arity: -3, keys: [1, 1, 1], run: expireCommand('expire', 'seconds', true) },
  { name: 'pexpire', arity: -3, keys: [1, 1, 1], run: expireCommand('pexpire', 'milliseconds', true) },
  { name: 'expireat', arity: -3, keys: [1, 1, 1], run: expireCommand('expireat', 'seconds', false) },
  { name: 'pexpireat', arity: -3, keys: [1, 1, 1], run: expireCommand('pexpireat', 'milliseconds', false) },
  { name: 'ttl', arity: 2, keys: [1, 1, 1], run: ttlCommand('seconds') },
  { name: 'pttl', arity: 2, keys: [1, 1, 1], run: ttlCommand('milliseconds') },
  { name: 'persist', arity: 2, keys: [1, 1, 1], run: ({ db, args }) => (db.persist(keyOf(args[1])) ? ONE : ZERO) },
  { name: 'type', arity: 2, keys: [1, 1, 1], run: typeCommand },
  { name: 'keys', arity: 2, run: ({ db, args }) => bulkArray(matchingKeys(db, keyOf(args[1]))) },
  { name: 'scan', arity: -2, run: scan },
  { name: 'dbsize', arity: 1, run: ({ db }) => integer(db.size) },
  { name: 'flushdb', arity: -1, run: ({ db, args }) => flush([db], args) },
  { name: 'flushall', arity: -1, run: ({ server, args }) => flush(server.databases, args) },
];
