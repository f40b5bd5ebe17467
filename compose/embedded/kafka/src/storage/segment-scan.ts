// Start-up scan of a partition's segment file: walk the batches, verify each one (length, magic,
// CRC32C, consecutive offsets) and report where the valid prefix ends so a torn or corrupt tail
// can be truncated. Reads in large async chunks.
import type { FileHandle } from 'node:fs/promises';
import { BATCH_HEADER_BYTES, BATCH_LOG_OVERHEAD, batchCrcMatches } from '../protocol/record-batch.ts';
import type { BatchIndex } from './batch-index.ts';

const CHUNK = 8 * 1024 * 1024;
const MAX_BATCH = 1024 * 1024 * 1024;

export interface ScanResult {
  validBytes: number;
  nextOffset: bigint;
  /** why the scan stopped early, when it did */
  problem: string | null;
}

export async function scanSegment(fh: FileHandle, fileSize: number, index: BatchIndex): Promise<ScanResult> {
  let pos = 0;
  let nextOffset = 0n;
  let window = Buffer.alloc(0);
  let windowStart = 0;

  const ensure = async (from: number, n: number): Promise<Buffer | null> => {
    if (from + n > fileSize) return null;
    if (from >= windowStart && from + n <= windowStart + window.length) {
      return window.subarray(from - windowStart, from - windowStart + n);
    }
    const len = Math.min(Math.max(n, CHUNK), fileSize - from);
    const buf = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await fh.read(buf, got, len - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    window = buf.subarray(0, got);
    windowStart = from;
    return got >= n ? window.subarray(0, n) : null;
  };

  while (pos < fileSize) {
    const head = await ensure(pos, BATCH_HEADER_BYTES);
    if (!head) return { validBytes: pos, nextOffset, problem: `torn batch header at byte ${pos}` };
    const total = head.readInt32BE(8) + BATCH_LOG_OVERHEAD;
    if (total < BATCH_HEADER_BYTES || total > MAX_BATCH) {
      return { validBytes: pos, nextOffset, problem: `bad batch length ${total} at byte ${pos}` };
    }
    const batch = await ensure(pos, total);
    if (!batch) return { validBytes: pos, nextOffset, problem: `torn batch at byte ${pos}` };
    if (batch.readInt8(16) !== 2) return { validBytes: pos, nextOffset, problem: `bad magic at byte ${pos}` };
    if (!batchCrcMatches(batch)) return { validBytes: pos, nextOffset, problem: `CRC mismatch at byte ${pos}` };
    const base = batch.readBigInt64BE(0);
    if (base !== nextOffset) {
      return { validBytes: pos, nextOffset, problem: `offset ${base} where ${nextOffset} was expected at byte ${pos}` };
    }
    const lastDelta = batch.readInt32BE(23);
    index.push(base, lastDelta, pos, total, batch.readBigInt64BE(35));
    nextOffset = base + BigInt(lastDelta) + 1n;
    pos += total;
  }
  return { validBytes: pos, nextOffset, problem: null };
}
