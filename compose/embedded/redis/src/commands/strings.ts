import { NULL_BULK, OK, ONE, ZERO, array, bulk, error, integer } from '../resp/writer.ts';
import { NOT_AN_INTEGER, OVERFLOW, SYNTAX_ERROR, WRONGTYPE, invalidExpireTime } from './errors.ts';
import { absoluteExpireMs, addInt64, int64Arg, INT64_MIN, type ExpireUnit } from './numbers.ts';
import { keyOf, type CommandContext, type CommandSpec } from './types.ts';

function get({ db, args }: CommandContext): Buffer {
  const value = db.get(keyOf(args[1]));
  if (value === undefined) return NULL_BULK;
  return value.kind === 'string' ? bulk(value.data) : WRONGTYPE;
}

function mget({ db, args }: CommandContext): Buffer {
  // MGET answers nil for keys of another type instead of failing.
  return array(args.slice(1).map((arg) => {
    const value = db.get(keyOf(arg));
    return value?.kind === 'string' ? bulk(value.data) : NULL_BULK;
  }));
}

type ExpireOption = { name: 'ex' | 'px' | 'exat' | 'pxat'; arg: Buffer | undefined };

interface SetOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  expire: ExpireOption | undefined;
}

/** Option parsing as redis-server 7.0 does it: conflicts are a syntax error, found before numbers. */
function parseSetOptions(args: Buffer[]): SetOptions | undefined {
  const options: SetOptions = { nx: false, xx: false, get: false, keepTtl: false, expire: undefined };
  for (let j = 3; j < args.length; j++) {
    const option = keyOf(args[j]).toLowerCase();
    const hasNext = j + 1 < args.length;
    if (option === 'nx' && !options.xx) options.nx = true;
    else if (option === 'xx' && !options.nx) options.xx = true;
    else if (option === 'get') options.get = true;
    else if (option === 'keepttl' && options.expire === undefined) options.keepTtl = true;
    else if ((option === 'ex' || option === 'px' || option === 'exat' || option === 'pxat') && hasNext &&
      !options.keepTtl && (options.expire === undefined || options.expire.name === option)) {
      options.expire = { name: option, arg: args[++j] };
    } else return undefined;
  }
  return options;
}

function set({ db, args, server }: CommandContext): Buffer {
  const options = parseSetOptions(args);
  if (options === undefined) return SYNTAX_ERROR;
  let expiresAt: number | undefined;
  if (options.expire !== undefined) {
    const { name, arg } = options.expire;
    const raw = int64Arg(arg);
    if (raw === undefined) return NOT_AN_INTEGER;
    if (raw <= 0n) return invalidExpireTime('set');
    const unit: ExpireUnit = name === 'ex' || name === 'exat' ? 'seconds' : 'milliseconds';
    const at = absoluteExpireMs(arg, unit, name === 'ex' || name === 'px', server.now());
    if (typeof at !== 'bigint') return invalidExpireTime('set');
    expiresAt = Number(at);
  }
  const key = keyOf(args[1]);
  // The old value matters only to NX, XX and GET; a plain SET skips the lookup.
  const previous = options.nx || options.xx || options.get ? db.get(key) : undefined;
  if (options.get && previous !== undefined && previous.kind !== 'string') return WRONGTYPE;
  const oldValue = options.get ? bulk(previous?.kind === 'string' ? previous.data : null) : OK;
  if ((options.nx && previous !== undefined) || (options.xx && previous === undefined)) {
    return options.get ? oldValue : NULL_BULK;
  }
  // Copy: the argument may be a view into a socket chunk that would otherwise stay alive.
  db.set(key, { kind: 'string', data: Buffer.from(args[2] as Buffer) }, { keepTtl: options.keepTtl, expiresAt });
  return oldValue;
}

/** SETEX / PSETEX key ttl value: SET with a mandatory relative expiry. */
function setWithTtl(name: 'setex' | 'psetex') {
  return ({ db, args, server }: CommandContext): Buffer => {
    const raw = int64Arg(args[2]);
    if (raw === undefined) return NOT_AN_INTEGER;
    if (raw <= 0n) return invalidExpireTime(name);
    const at = absoluteExpireMs(args[2], name === 'setex' ? 'seconds' : 'milliseconds', true, server.now());
    if (typeof at !== 'bigint') return invalidExpireTime(name);
    db.set(keyOf(args[1]), { kind: 'string', data: Buffer.from(args[3] as Buffer) }, { expiresAt: Number(at) });
    return OK;
  };
}

function setnx({ db, args }: CommandContext): Buffer {
  const key = keyOf(args[1]);
  if (db.has(key)) return ZERO;
  db.set(key, { kind: 'string', data: Buffer.from(args[2] as Buffer) });
  return ONE;
}

function getdel({ db, args }: CommandContext): Buffer {
  const key = keyOf(args[1]);
  const value = db.get(key);
  if (value === undefined) return NULL_BULK;
  if (value.kind !== 'string') return WRONGTYPE;
  db.delete(key);
  return bulk(value.data);
}

/** INCR/DECR/INCRBY/DECRBY on a string holding a 64-bit integer; keeps the key's TTL. */
function incrementBy({ db, args }: CommandContext, delta: bigint): Buffer {
  const key = keyOf(args[1]);
  const value = db.get(key);
  if (value !== undefined && value.kind !== 'string') return WRONGTYPE;
  const current = value === undefined ? 0n : int64Arg(value.data);
  if (current === undefined) return NOT_AN_INTEGER;
  const next = addInt64(current, delta);
  if (next === undefined) return OVERFLOW;
  db.set(key, { kind: 'string', data: Buffer.from(next.toString()) }, { keepTtl: true });
  return integer(next);
}

function withDeltaArg(context: CommandContext, negate: boolean): Buffer {
  const delta = int64Arg(context.args[2]);
  if (delta === undefined) return NOT_AN_INTEGER;
  if (negate && delta === INT64_MIN) return error('ERR decrement would overflow');
  return incrementBy(context, negate ? -delta : delta);
}

export const stringCommands: CommandSpec[] = [
  { name: 'get', arity: 2, keys: [1, 1, 1], run: get },
  { name: 'set', arity: -3, keys: [1, 1, 1], run: set },
  { name: 'mget', arity: -2, keys: [1, -1, 1], run: mget },
  { name: 'setex', arity: 4, keys: [1, 1, 1], run: setWithTtl('setex') },
  { name: 'psetex', arity: 4, keys: [1, 1, 1], run: setWithTtl('psetex') },
  { name: 'setnx', arity: 3, keys: [1, 1, 1], run: setnx },
  { name: 'getdel', arity: 2, keys: [1, 1, 1], run: getdel },
  { name: 'incr', arity: 2, keys: [1, 1, 1], run: (context) => incrementBy(context, 1n) },
  { name: 'decr', arity: 2, keys: [1, 1, 1], run: (context) => incrementBy(context, -1n) },
  { name: 'incrby', arity: 3, keys: [1, 1, 1], run: (context) => withDeltaArg(context, false) },
  { name: 'decrby', arity: 3, keys: [1, 1, 1], run: (context) => withDeltaArg(context, true) },
];
