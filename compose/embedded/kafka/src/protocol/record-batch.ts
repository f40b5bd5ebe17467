// RecordBatch v2 (magic 2) header access. The broker treats batches as opaque: it reads the
// 61-byte header, checks what it must, and rewrites only baseOffset (bytes 0-7) — the CRC covers
// bytes 21..end, so the client's bytes stay valid.
import { crc32c } from './crc32c.ts';
import { decodeVarint, decodeVarlong } from './varint.ts';
import { ErrorCode } from './api.ts';

export const BATCH_HEADER_BYTES = 61;
/** bytes 0..11 (baseOffset + batchLength) are not counted in batchLength */
export const BATCH_LOG_OVERHEAD = 12;
const CRC_START = 21;

export interface BatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: buf.readBigInt64BE(at),
    batchLength: buf.readInt32BE(at + 8),
    partitionLeaderEpoch: buf.readInt32BE(at + 12),
    magic: buf.readInt8(at + 16),
    crc: buf.readUInt32BE(at + 17),
    attributes: buf.readInt16BE(at + 21),
    lastOffsetDelta: buf.readInt32BE(at + 23),
    firstTimestamp: buf.readBigInt64BE(at + 27),
    maxTimestamp: buf.readBigInt64BE(at + 35),
    producerId: buf.readBigInt64BE(at + 43),
    producerEpoch: buf.readInt16BE(at + 51),
    baseSequence: buf.readInt32BE(at + 53),
    recordCount: buf.readInt32BE(at + 57),
  };
}

/** True when the stored CRC matches bytes 21..end of this batch. */
export function batchCrcMatches(batch: Buffer): boolean {
  return batch.readUInt32BE(17) === crc32c(batch, CRC_START, batch.length);
}

export type SplitResult = { ok: true; batches: Buffer[] } | { ok: false; error: number; message: string };

/**
 * Split a produce request's records field into batches (zero-copy views) and reject what this
 * broker does not take: other magics (CORRUPT_MESSAGE), idempotent/transactional/control batches
 * (INVALID_RECORD), bad framing.
 */
export function splitProducedBatches(records: Buffer, verifyCrc: boolean): SplitResult {
  const batches: Buffer[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < BATCH_HEADER_BYTES) {
      // Old message formats have a 12-byte prefix + magic at 16 too; check magic when we can.
      if (records.length - at > 16 && records[at + 16] !== 2) {
        return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, message: 'only RecordBatch v2 (magic 2) is accepted' };
      }
      return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, message: 'truncated record batch' };
    }
    const magic = records.readInt8(at + 16);
    if (magic !== 2) {
      return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, message: `message format magic ${magic} is not supported (v2 only)` };
    }
    const total = records.readInt32BE(at + 8) + BATCH_LOG_OVERHEAD;
    if (total < BATCH_HEADER_BYTES || at + total > records.length) {
      return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, message: 'record batch length does not match the data' };
    }
    const batch = records.subarray(at, at + total);
    const attributes = batch.readInt16BE(21);
    if (attributes & 0x30 || batch.readBigInt64BE(43) >= 0n) {
      return {
        ok: false,
        error: ErrorCode.INVALID_RECORD,
        message: 'idempotent and transactional producers are not supported by this broker',
      };
    }
    if (batch.readInt32BE(23) < 0 || batch.readInt32BE(57) < 0) {
      return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, message: 'negative record count' };
    }
    if (verifyCrc && !batchCrcMatches(batch)) {
      return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, message: 'record batch CRC mismatch' };
    }
    batches.push(batch);
    at += total;
  }
  return { ok: true, batches };
}

/**
 * Offset and timestamp of the first record with timestamp >= target inside one batch. For
 * compressed batches the records are not readable here; the batch's base offset is the answer
 * (the client filters on consume).
 */
export function firstRecordAtOrAfter(batch: Buffer, target: bigint): { offset: bigint; timestamp: bigint } | null {
  const h = readBatchHeader(batch);
  if (h.maxTimestamp < target) return null;
  if ((h.attributes & 0x07) !== 0) return { offset: h.baseOffset, timestamp: h.maxTimestamp };
  try {
    let pos = BATCH_HEADER_BYTES;
    for (let i = 0; i < h.recordCount; i++) {
      const len = decodeVarint(batch, pos);
      const recordEnd = len.next + len.value;
      const tsDelta = decodeVarlong(batch, len.next + 1); // skip attributes int8
      const offsetDelta = decodeVarint(batch, tsDelta.next);
      const ts = h.firstTimestamp + tsDelta.value;
      if (ts >= target) return { offset: h.baseOffset + BigInt(offsetDelta.value), timestamp: ts };
      pos = recordEnd;
    }
  } catch {
    // unreadable records: fall back to batch granularity
  }
  return { offset: h.baseOffset, timestamp: h.maxTimestamp };
}
