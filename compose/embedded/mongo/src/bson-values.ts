import { Double, Int32, Long } from 'bson';

// Documents are kept in two forms. The "typed" form is exactly what the client sent (decoded with
// promoteValues:false: Int32, Double, Long stay wrapper objects), so a Double 1.0 or an Int64 comes
// back with its type. The "plain" form has JS numbers instead, which is what mingo understands for
// matching, sorting and update operators. `toPlain` goes one way, `retype` goes back.

export type Doc = Record<string, unknown>;

export function bsonTypeOf(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const t = (v as { _bsontype?: unknown })._bsontype;
  return typeof t === 'string' ? t : undefined;
}

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Converts number wrappers to JS numbers (deeply); other values are shared, containers are new. */
export function toPlain(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toPlain);
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) out[k] = toPlain(v[k]);
    return out;
  }
  switch (bsonTypeOf(v)) {
    case 'Int32':
    case 'Double':
      return (v as Int32 | Double).value;
    case 'Long':
      return (v as Long).toNumber();
    default:
      return v;
  }
}

export function toPlainDoc(v: Doc): Doc {
  return toPlain(v) as Doc;
}

/** Numeric value of a number or number wrapper, else undefined. */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  switch (bsonTypeOf(v)) {
    case 'Int32':
    case 'Double':
      return (v as Int32 | Double).value;
    case 'Long':
      return (v as Long).toNumber();
    case 'Decimal128':
      return Number((v as { toString(): string }).toString());
    default:
      return undefined;
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Chooses the BSON number type for a JS number, keeping the previous type where it still fits. */
function typedNumber(n: number, previous: unknown): unknown {
  const prevType = bsonTypeOf(previous);
  const isInt = Number.isInteger(n);
  if (prevType === 'Double') return (previous as Double).value === n ? previous : new Double(n);
  if (prevType === 'Long') {
    if (!isInt) return new Double(n);
    return (previous as Long).toNumber() === n ? previous : Long.fromNumber(n);
  }
  if (isInt && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0)) {
    return prevType === 'Int32' && (previous as Int32).value === n ? previous : new Int32(n);
  }
  // An int32 that overflows becomes an int64, as on the real server.
  if (isInt && prevType === 'Int32' && Number.isSafeInteger(n)) return Long.fromNumber(n);
  return new Double(n);
}

/**
 * Rebuilds the typed form of `plain` using `old` (the typed value at the same place before the
 * change) for number types and key order. `hints` maps dotted paths to typed values the client
 * wrote there (from $set and friends), which win over `old`.
 */
export function retype(plain: unknown, old: unknown, hints?: Map<string, unknown>, path = ''): unknown {
  let prev = old;
  if (path && hints?.has(path)) {
    const hinted = hints.get(path);
    // A hint only applies if the value is the one written ($max may have kept the old one).
    if (typeof plain !== 'number' || numericValue(hinted) === plain) prev = hinted;
  }
  if (typeof plain === 'number') return typedNumber(plain, prev);
  if (Array.isArray(plain)) {
    const prevArr = Array.isArray(prev) ? prev : undefined;
    return plain.map((x, i) => retype(x, prevArr?.[i], hints, path ? `${path}.${i}` : String(i)));
  }
  if (isPlainObject(plain)) {
    const prevObj = isPlainObject(prev) ? prev : undefined;
    const out: Doc = {};
    const sub = (k: string): string => (path ? `${path}.${k}` : k);
    // Keys that already existed keep their place; new keys follow, as on the real server.
    if (prevObj) {
      for (const k of Object.keys(prevObj)) {
        if (Object.prototype.hasOwnProperty.call(plain, k)) out[k] = retype(plain[k], prevObj[k], hints, sub(k));
      }
    }
    for (const k of Object.keys(plain)) {
      if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = retype(plain[k], prevObj?.[k], hints, sub(k));
    }
    return out;
  }
  return plain;
}

/**
 * A string that is equal for values the server considers equal in an index:
 * 1, 1.0 and 1L are equal; key order inside embedded documents matters.
 */
export function canonicalKey(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return `n${Object.is(v, -0) ? 0 : v}`;
    case 'bigint':
      return `n${v}`;
    case 'string':
      return `s${JSON.stringify(v)}`;
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      break;
  }
  if (v instanceof Date) return `d${v.getTime()}`;
  if (v instanceof RegExp) return `r${String(v)}`;
  if (Array.isArray(v)) return `[${v.map(canonicalKey).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${canonicalKey(v[k])}`).join(',')}}`;
  }
  const num = numericValue(v);
  if (num !== undefined) return `n${num}`;
  const type = bsonTypeOf(v) ?? 'object';
  if (type === 'Binary') {
    const b = v as { sub_type: number; buffer: Uint8Array };
    return `x${b.sub_type}:${Buffer.from(b.buffer).toString('base64')}`;
  }
  return `${type}:${String(v)}`;
}

/** Renders a value the way the server's duplicate-key message does: "a@x", 12, ObjectId('...'). */
export function renderValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return `[ ${v.map(renderValue).join(', ')} ]`;
  if (isPlainObject(v)) return `{ ${Object.keys(v).map((k) => `${k}: ${renderValue(v[k])}`).join(', ')} }`;
  const type = bsonTypeOf(v);
  if (type === 'ObjectId') return `ObjectId('${String(v)}')`;
  const num = numericValue(v);
  if (num !== undefined) return String(num);
  return String(v);
}

/** Reads a dotted path; an array met before the end fans out over its elements (multikey). */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const parts = path.split('.');
  const out: unknown[] = [];
  const walk = (v: unknown, i: number): void => {
    if (i === parts.length) {
      if (Array.isArray(v)) {
        if (v.length === 0) out.push(undefined);
        else out.push(...v);
      } else out.push(v);
      return;
    }
    if (Array.isArray(v)) {
      const idx = /^\d+$/.test(parts[i]!) ? Number(parts[i]) : NaN;
      if (!Number.isNaN(idx)) walk(v[idx], i + 1);
      else if (v.length === 0) walk(undefined, parts.length);
      else for (const el of v) walk(el, i);
      return;
    }
    if (isPlainObject(v)) walk(v[parts[i]!], i + 1);
    else walk(undefined, parts.length);
  };
  walk(doc, 0);
  return out;
}

/** True when no value exists at the path (used by sparse indexes). */
export function isMissingAtPath(doc: unknown, path: string): boolean {
  return valuesAtPath(doc, path).every((v) => v === undefined);
}

/** Sets a dotted path, creating embedded documents on the way (used to seed upserts). */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]!];
    if (!isPlainObject(next)) cur[parts[i]!] = {};
    cur = cur[parts[i]!] as Doc;
  }
  cur[parts[parts.length - 1]!] = value;
}

/** Reads one dotted path without fanning out (first match only). */
export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const p of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(p)) cur = cur[Number(p)];
    else if (isPlainObject(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

/** Reads a command option that may arrive as Int32, Long, Double or number. */
export function optNumber(v: unknown, fallback: number): number {
  const n = numericValue(v);
  return n === undefined ? fallback : n;
}

export function optBool(v: unknown, fallback = false): boolean {
  if (v === undefined || v === null) return fallback;
  const n = numericValue(v);
  if (n !== undefined) return n !== 0;
  return Boolean(v);
}
