import { Double, Int32, Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { canonicalKey, retype, toPlain, valuesAtPath } from '../src/bson-values.ts';
import { decodeRecords, encodeRecord } from '../src/store/record-file.ts';
import { FrameReader } from '../src/wire/frame-reader.ts';
import { ProtocolError } from '../src/wire/messages.ts';

describe('record framing', () => {
  it('round-trips records and stops at a torn or corrupted tail', () => {
    const a = encodeRecord({ n: new Int32(1) });
    const b = encodeRecord({ n: new Int32(2) });
    const whole = decodeRecords(Buffer.concat([a, b]));
    expect(whole.docs.map((d) => (d.n as Int32).value)).toEqual([1, 2]);
    expect(whole.problem).toBeUndefined();

    const torn = decodeRecords(Buffer.concat([a, b.subarray(0, b.length - 3)]));
    expect(torn.docs).toHaveLength(1);
    expect(torn.validLength).toBe(a.length);
    expect(torn.problem).toBe('truncated record');

    const flipped = Buffer.concat([a, b]);
    flipped[flipped.length - 2]! ^= 0xff;
    expect(decodeRecords(flipped)).toMatchObject({ validLength: a.length, problem: 'checksum mismatch' });
  });
});

describe('typed/plain values', () => {
  it('keeps number types where values are unchanged and widens int32 on overflow', () => {
    const typed = { i: new Int32(1), d: new Double(1), l: Long.fromString('9007199254740993') };
    const plain = toPlain(typed) as Record<string, number>;
    expect(plain).toEqual({ i: 1, d: 1, l: 9007199254740992 });
    const back = retype({ ...plain, i: 2147483648 }, typed) as Record<string, unknown>;
    expect(back.i).toBeInstanceOf(Long);
    expect(back.d).toBe(typed.d);
    expect((back.l as Long).toString()).toBe('9007199254740993');
  });

  it('uses a type hint only for the value that was written', () => {
    const old = { a: new Double(10), b: new Double(1) };
    const hints = new Map<string, unknown>([['a', new Int32(5)], ['b', new Int32(7)]]);
    const back = retype({ a: 10, b: 7 }, old, hints) as Record<string, unknown>;
    expect(back.a).toBe(old.a);
    expect(back.b).toBeInstanceOf(Int32);
  });

  it('treats equal numbers of different types as the same index key, key order as significant', () => {
    expect(canonicalKey(toPlain(new Double(1)))).toBe(canonicalKey(1));
    expect(canonicalKey({ a: 1, b: 2 })).not.toBe(canonicalKey({ b: 2, a: 1 }));
    expect(canonicalKey('1')).not.toBe(canonicalKey(1));
  });

  it('fans out over arrays for multikey paths', () => {
    expect(valuesAtPath({ a: [{ b: 1 }, { b: 2 }] }, 'a.b')).toEqual([1, 2]);
    expect(valuesAtPath({ tags: ['x', 'y'] }, 'tags')).toEqual(['x', 'y']);
    expect(valuesAtPath({}, 'missing')).toEqual([undefined]);
  });
});

describe('frame reader', () => {
  const msg = (len: number): Buffer => {
    const b = Buffer.alloc(len);
    b.writeInt32LE(len, 0);
    return b;
  };

  it('reassembles frames split across chunks and splits coalesced ones', () => {
    const r = new FrameReader();
    const two = Buffer.concat([msg(20), msg(30)]);
    expect(r.push(two.subarray(0, 3))).toEqual([]);
    expect(r.push(two.subarray(3, 25)).map((f) => f.length)).toEqual([20]);
    expect(r.push(two.subarray(25)).map((f) => f.length)).toEqual([30]);
  });

  it('refuses impossible and oversized lengths', () => {
    expect(() => new FrameReader().push(msg(4))).toThrow(ProtocolError);
    const huge = Buffer.alloc(4);
    huge.writeInt32LE(48_000_001, 0);
    expect(() => new FrameReader().push(huge)).toThrow(/exceeds/);
  });
});
