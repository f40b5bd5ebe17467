// Cross-checks the broker's codecs against kafkajs's own encoders (an implementation we did not
// write): CRC32C, zigzag varints, RecordBatch v2 header parsing and produce-side validation.
import { describe, expect, it } from 'vitest';
import crc32CKafkajs from 'kafkajs/src/protocol/recordBatch/crc32C/index.js';
import { RecordBatch } from 'kafkajs/src/protocol/recordBatch/v0/index.js';
import Record from 'kafkajs/src/protocol/recordBatch/record/v0/index.js';
import Encoder from 'kafkajs/src/protocol/encoder.js';
import Decoder from 'kafkajs/src/protocol/decoder.js';
import Long from 'kafkajs/src/utils/long.js';
import { crc32c, crc32cPortable } from '../src/protocol/crc32c.ts';
import { decodeVarint, decodeVarlong, encodeVarint, encodeVarlong } from '../src/protocol/varint.ts';
import {
  batchCrcMatches, firstRecordAtOrAfter, readBatchHeader, splitProducedBatches,
} from '../src/protocol/record-batch.ts';
import { ErrorCode } from '../src/protocol/api.ts';
import { FrameSplitter, FrameTooLargeError } from '../src/protocol/frame-splitter.ts';

function pseudoRandomBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function kafkajsBatch(opts: { count: number; firstTimestamp: number; producerId?: string; transactional?: boolean }): Promise<Buffer> {
  const records = Array.from({ length: opts.count }, (_, i) =>
    Record({ offsetDelta: i, timestampDelta: i * 10, key: `key-${i}`, value: `value-${i}`, headers: { h: `${i}` } }),
  );
  const enc = await RecordBatch({
    firstTimestamp: opts.firstTimestamp,
    maxTimestamp: opts.firstTimestamp + (opts.count - 1) * 10,
    lastOffsetDelta: opts.count - 1,
    records,
    transactional: opts.transactional ?? false,
    producerId: Long.fromString(opts.producerId ?? '-1'),
  });
  return enc.buffer;
}

// Both implementations: the native one (when its binary loads) and the portable fallback.
describe.each([
  ['crc32c', crc32c],
  ['crc32cPortable', crc32cPortable],
])('%s', (_name, crc) => {
  it('matches the standard check value', () => {
    expect(crc(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('matches kafkajs on buffers of every length 0..300 and on large ones', () => {
    for (let n = 0; n <= 300; n++) {
      const buf = pseudoRandomBytes(n, n + 1);
      expect(crc(buf), `length ${n}`).toBe(crc32CKafkajs(buf));
    }
    const big = pseudoRandomBytes(1 << 20, 7);
    expect(crc(big)).toBe(crc32CKafkajs(big));
  });

  it('honours start/end offsets', () => {
    const buf = pseudoRandomBytes(100, 3);
    expect(crc(buf, 13, 77)).toBe(crc32CKafkajs(buf.subarray(13, 77)));
  });
});

describe('zigzag varints', () => {
  const ints = [0, 1, -1, 63, -64, 64, -65, 300, -300, 2 ** 20, -(2 ** 20), 2 ** 31 - 1, -(2 ** 31)];
  const longs = ['0', '1', '-1', '1234567890123', '-1234567890123', '9223372036854775807', '-9223372036854775808'];

  it('encodes varints byte-for-byte like kafkajs and decodes kafkajs output', () => {
    for (const v of ints) {
      const theirs = new Encoder().writeVarInt(v).buffer;
      expect(encodeVarint(v).equals(theirs), `encode ${v}`).toBe(true);
      expect(decodeVarint(theirs, 0)).toEqual({ value: v, next: theirs.length });
      expect(new Decoder(encodeVarint(v)).readVarInt()).toBe(v);
    }
  });

  it('encodes varlongs byte-for-byte like kafkajs and decodes kafkajs output', () => {
    for (const s of longs) {
      const theirs = new Encoder().writeVarLong(Long.fromString(s)).buffer;
      expect(encodeVarlong(BigInt(s)).equals(theirs), `encode ${s}`).toBe(true);
      expect(decodeVarlong(theirs, 0)).toEqual({ value: BigInt(s), next: theirs.length });
      expect(new Decoder(encodeVarlong(BigInt(s))).readVarLong().toString()).toBe(s);
    }
  });

  it('rejects truncated input', () => {
    expect(() => decodeVarint(Buffer.from([0x80, 0x80]), 0)).toThrow(RangeError);
    expect(() => decodeVarlong(Buffer.from([0xff]), 0)).toThrow(RangeError);
  });
});

describe('RecordBatch v2', () => {
  it('reads the header kafkajs writes and verifies its CRC', async () => {
    const batch = await kafkajsBatch({ count: 5, firstTimestamp: 1_700_000_000_000 });
    const h = readBatchHeader(batch);
    expect(h).toMatchObject({
      baseOffset: 0n,
      batchLength: batch.length - 12,
      magic: 2,
      lastOffsetDelta: 4,
      firstTimestamp: 1_700_000_000_000n,
      maxTimestamp: 1_700_000_000_040n,
      producerId: -1n,
      recordCount: 5,
    });
    expect(batchCrcMatches(batch)).toBe(true);
    // The CRC does not cover the base offset: rewriting it keeps the batch valid.
    batch.writeBigInt64BE(123_456_789_012n, 0);
    expect(batchCrcMatches(batch)).toBe(true);
    batch[batch.length - 1] ^= 0xff;
    expect(batchCrcMatches(batch)).toBe(false);
  });

  it('splits concatenated batches without copying and validates CRCs on request', async () => {
    const a = await kafkajsBatch({ count: 2, firstTimestamp: 1000 });
    const b = await kafkajsBatch({ count: 3, firstTimestamp: 2000 });
    const records = Buffer.concat([a, b]);
    const split = splitProducedBatches(records, true);
    expect(split.ok).toBe(true);
    if (!split.ok) return;
    expect(split.batches.map((x) => x.length)).toEqual([a.length, b.length]);
    expect(split.batches[1]!.buffer).toBe(records.buffer);
    records[records.length - 1] ^= 1;
    expect(splitProducedBatches(records, true)).toMatchObject({ ok: false, error: ErrorCode.CORRUPT_MESSAGE });
  });

  it('rejects other magics, truncation, and idempotent or transactional batches', async () => {
    const good = await kafkajsBatch({ count: 1, firstTimestamp: 1 });
    const oldMagic = Buffer.from(good);
    oldMagic[16] = 1;
    expect(splitProducedBatches(oldMagic, false)).toMatchObject({ ok: false, error: ErrorCode.CORRUPT_MESSAGE });
    expect(splitProducedBatches(good.subarray(0, good.length - 1), false)).toMatchObject({ ok: false, error: ErrorCode.CORRUPT_MESSAGE });
    const idempotent = await kafkajsBatch({ count: 1, firstTimestamp: 1, producerId: '42' });
    expect(splitProducedBatches(idempotent, false)).toMatchObject({ ok: false, error: ErrorCode.INVALID_RECORD });
    const transactional = await kafkajsBatch({ count: 1, firstTimestamp: 1, transactional: true });
    expect(splitProducedBatches(transactional, false)).toMatchObject({ ok: false, error: ErrorCode.INVALID_RECORD });
  });

  it('finds the first record at or after a timestamp by reading kafkajs records', async () => {
    const batch = await kafkajsBatch({ count: 5, firstTimestamp: 1000 }); // timestamps 1000..1040
    batch.writeBigInt64BE(100n, 0);
    expect(firstRecordAtOrAfter(batch, 0n)).toEqual({ offset: 100n, timestamp: 1000n });
    expect(firstRecordAtOrAfter(batch, 1015n)).toEqual({ offset: 102n, timestamp: 1020n });
    expect(firstRecordAtOrAfter(batch, 1040n)).toEqual({ offset: 104n, timestamp: 1040n });
    expect(firstRecordAtOrAfter(batch, 1041n)).toBeNull();
  });
});

describe('frame splitter', () => {
  const frame = (body: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);

  it('reassembles frames split at every byte boundary', () => {
    const stream = Buffer.concat([frame(Buffer.from('hello')), frame(Buffer.from('')), frame(Buffer.from('world!'))]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const s = new FrameSplitter(1024);
      const frames = [...s.push(stream.subarray(0, cut)), ...s.push(stream.subarray(cut))];
      expect(frames.map((f) => f.toString())).toEqual(['hello', '', 'world!']);
    }
  });

  it('reassembles large frames fed in chunks of varying sizes', () => {
    const bodies = [pseudoRandomBytes(100_000, 1), pseudoRandomBytes(3, 2), pseudoRandomBytes(70_000, 3)];
    const stream = Buffer.concat(bodies.flatMap((b) => {
      const prefix = Buffer.alloc(4);
      prefix.writeInt32BE(b.length);
      return [prefix, b];
    }));
    for (const sizes of [[1, 2, 3], [65_536], [7, 65_536, 1, 40_000]]) {
      const s = new FrameSplitter(1 << 20);
      const frames: Buffer[] = [];
      for (let at = 0, i = 0; at < stream.length; i++) {
        const n = sizes[i % sizes.length]!;
        frames.push(...s.push(stream.subarray(at, at + n)));
        at += n;
      }
      expect(frames.length, `chunk sizes ${sizes.join(',')}`).toBe(3);
      frames.forEach((f, i) => expect(f.equals(bodies[i]!)).toBe(true));
    }
  });

  it('grows a partial frame with the bytes that arrived, not to its declared size', () => {
    const declared = 100 * 1024 * 1024;
    const s = new FrameSplitter(declared);
    const head = Buffer.alloc(4);
    head.writeInt32BE(declared);
    expect(s.push(Buffer.concat([head, Buffer.alloc(10)]))).toEqual([]);
    expect(s.midFrame).toBe(true);
    expect(s.bufferedCapacity).toBeLessThanOrEqual(64 * 1024);
    // 1 MiB more: storage follows (at most twice what arrived), still far below the declared size.
    for (let i = 0; i < 16; i++) s.push(Buffer.alloc(64 * 1024));
    expect(s.bufferedCapacity).toBeLessThanOrEqual(2 * (1024 * 1024 + 10));
    const small = new FrameSplitter(1024);
    expect(small.push(Buffer.from([0, 0]))).toEqual([]);
    expect(small.midFrame).toBe(true);
    expect(small.push(Buffer.from([0, 2, 7, 8])).map((f) => [...f])).toEqual([[7, 8]]);
    expect(small.midFrame).toBe(false);
  });

  it('refuses frames above the limit and negative sizes', () => {
    expect(() => new FrameSplitter(10).push(Buffer.from([0, 0, 0, 11]))).toThrow(FrameTooLargeError);
    expect(() => new FrameSplitter(10).push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(FrameTooLargeError);
  });
});
