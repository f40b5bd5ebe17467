// One partition: an append-only segment file of untouched client batches (only baseOffset
// rewritten), an in-memory index rebuilt on start, and a write-through cache of the newest
// batches so consumers that keep up never touch the disk. Writes are queued and coalesced into
// one writev per round; fsync goes through a SyncBatcher (group commit).
//
// Readers see a batch once its write has reached the file (the high watermark), so a consumer
// never reads data that a crash of the broker process could lose.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import { BatchIndex } from './batch-index.ts';
import { scanSegment } from './segment-scan.ts';
import { SyncBatcher } from './sync-batcher.ts';
import { firstRecordAtOrAfter } from '../protocol/record-batch.ts';

export interface PartitionLogOptions {
  path: string;
  logger: Logger;
  /** bytes of recent batches kept in memory */
  cacheBytes: number;
}

export class PartitionLog {
  readonly logStartOffset = 0n;
  /** log end offset: where the next appended batch goes */
  nextOffset = 0n;
  /** end of the batches written to the file: what readers may see */
  highWatermark = 0n;
  /** called when the high watermark moves (fetch long-poll wake-up) */
  onAppend: (() => void) | null = null;
  /** set once a write failed: the log refuses appends from then on */
  writeError: unknown = null;

  private readonly index = new BatchIndex();
  private readonly cache: (Buffer | undefined)[] = [];
  private cacheStart = 0;
  private cachedBytes = 0;
  private fileEnd = 0;
  private writtenEnd = 0;
  /** batches [0, writtenCount) are in the file */
  private writtenCount = 0;
  private queue: Buffer[] = [];
  private queueWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private readonly syncer: SyncBatcher;
  private closed = false;

  private constructor(
    private readonly fh: FileHandle,
    private readonly opts: PartitionLogOptions,
  ) {
    this.syncer = new SyncBatcher(() => this.fh.datasync());
  }

  static async open(opts: PartitionLogOptions): Promise<PartitionLog> {
    // Not 'a': on Linux positional writes to an O_APPEND file land at the end of the file.
    const fh = await open(opts.path, constants.O_RDWR | constants.O_CREAT);
    const log = new PartitionLog(fh, opts);
    const { size } = await fh.stat();
    const scan = await scanSegment(fh, size, log.index);
    if (scan.problem) {
      opts.logger.warn({ path: opts.path, problem: scan.problem, keptBytes: scan.validBytes, droppedBytes: size - scan.validBytes },
        'truncating torn/corrupt tail of partition log');
      await fh.truncate(scan.validBytes);
      await fh.datasync();
    }
    log.nextOffset = log.highWatermark = scan.nextOffset;
    log.fileEnd = log.writtenEnd = scan.validBytes;
    log.writtenCount = log.index.count;
    for (let i = 0; i < log.index.count; i++) log.cache.push(undefined);
    log.cacheStart = log.index.count;
    return log;
  }

  /** true once closed (its topic was deleted, or the broker is stopping) */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Assign offsets to the batches (rewriting bytes 0-7 in place) and queue them for the file.
   * Returns the first base offset and a promise for the write (after which readers see them).
   */
  append(batches: readonly Buffer[]): { baseOffset: bigint; written: Promise<void> } {
    if (this.closed) throw new Error('partition log is closed');
    if (this.writeError) throw this.writeError;
    const first = this.nextOffset;
    for (const b of batches) {
      b.writeBigInt64BE(this.nextOffset, 0);
      const lastDelta = b.readInt32BE(23);
      this.index.push(this.nextOffset, lastDelta, this.fileEnd, b.length, b.readBigInt64BE(35));
      this.cache.push(b);
      this.cachedBytes += b.length;
      this.fileEnd += b.length;
      this.nextOffset += BigInt(lastDelta) + 1n;
      this.queue.push(b);
    }
    const written = new Promise<void>((resolve, reject) => this.queueWaiters.push({ resolve, reject }));
    this.flushing ??= this.flush();
    return { baseOffset: first, written };
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const bufs = this.queue;
      const waiters = this.queueWaiters;
      this.queue = [];
      this.queueWaiters = [];
      let bytes = 0;
      for (const b of bufs) bytes += b.length;
      try {
        const { bytesWritten } = await this.fh.writev(bufs, this.writtenEnd);
        if (bytesWritten !== bytes) throw new Error(`short write: ${bytesWritten} of ${bytes} bytes`);
        this.writtenEnd += bytes;
        this.writtenCount += bufs.length;
        this.highWatermark = this.index.endOffset(this.writtenCount - 1);
        this.evict();
        for (const w of waiters) w.resolve();
        this.onAppend?.();
      } catch (err) {
        // Later batches cannot be written past a hole: refuse everything from now on.
        this.opts.logger.error({ err, path: this.opts.path }, 'partition log write failed; partition is now read-only');
        this.writeError = err;
        for (const w of [...waiters, ...this.queueWaiters]) w.reject(err);
        this.queue = [];
        this.queueWaiters = [];
      }
    }
    this.flushing = null;
  }

  private evict(): void {
    while (this.cachedBytes > this.opts.cacheBytes && this.cacheStart < this.writtenCount) {
      const i = this.cacheStart;
      this.cachedBytes -= this.index.byteSize(i);
      this.cache[i] = undefined;
      this.cacheStart++;
    }
  }

  /**
   * fsync, shared with concurrent callers. Await your append's `written` first: the fsync that
   * serves you starts after this call, so it covers every write completed before it.
   */
  sync(): Promise<void> {
    return this.syncer.sync();
  }

  /** Bytes readers may see from the batch containing offset up to the high watermark (fetch min-bytes). */
  bytesFrom(offset: bigint): number {
    const i = this.index.findByOffset(offset);
    return i < 0 || i >= this.writtenCount ? 0 : this.writtenEnd - this.index.filePos(i);
  }

  /**
   * Whole batches below the high watermark, starting at the one containing offset, up to
   * maxBytes but at least one batch when minOne is set. The size is known at once; the data
   * comes by reference from the cache, or from one file read of the contiguous range.
   */
  readRange(offset: bigint, maxBytes: number, minOne: boolean): { bytes: number; data: Buffer[] | Promise<Buffer[]> } {
    const start = this.index.findByOffset(offset);
    if (start < 0 || start >= this.writtenCount) return { bytes: 0, data: [] };
    let end = start;
    let bytes = 0;
    while (end < this.writtenCount) {
      const size = this.index.byteSize(end);
      if (bytes + size > maxBytes && !(minOne && end === start)) break;
      bytes += size;
      end++;
    }
    if (end === start) return { bytes: 0, data: [] };
    if (start >= this.cacheStart) return { bytes, data: this.cache.slice(start, end) as Buffer[] };
    return { bytes, data: this.readFile(this.index.filePos(start), bytes) };
  }

  private async readFile(from: number, bytes: number): Promise<Buffer[]> {
    const buf = Buffer.allocUnsafe(bytes);
    let got = 0;
    while (got < bytes) {
      const { bytesRead } = await this.fh.read(buf, got, bytes - got, from + got);
      if (bytesRead === 0) throw new Error(`unexpected end of ${this.opts.path} at ${from + got}`);
      got += bytesRead;
    }
    return [buf];
  }

  /** Offset/timestamp of the first record with timestamp >= ts, or null when none. */
  async offsetForTimestamp(ts: bigint): Promise<{ offset: bigint; timestamp: bigint } | null> {
    const i = this.index.findByTimestamp(ts);
    if (i < 0) return null;
    const [batch] = await this.readRange(this.index.baseOffset(i), 0, true).data;
    return batch ? firstRecordAtOrAfter(batch, ts) : null;
  }

  async close(fsync: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    if (fsync) await this.fh.datasync().catch(() => undefined);
    await this.fh.close();
  }
}
