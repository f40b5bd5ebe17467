// One partition: an append-only segment file of untouched client batches (only baseOffset
// rewritten), an in-memory index rebuilt on start, and a write-through cache of the newest
// batches so consumers that keep up never touch the disk.
//
// Appends are written synchronously (one pwritev into the page cache, microseconds for the
// KB-sized batches of a produce request): a libuv threadpool round trip per request cost more
// than the write itself and dominated produce latency. The price: should the kernel throttle a
// write (too many dirty pages), the whole event loop waits with it. fsync stays asynchronous and
// is shared by every append made before it starts (SyncBatcher, group commit).
//
// Readers see a batch once its write has reached the file (the high watermark), so a consumer
// never reads data that a crash of the broker process could lose.
import { constants, writeSync, writevSync } from 'node:fs';
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
  /** log end offset: where the next appended batch goes; every batch below it is in the file */
  highWatermark = 0n;
  /** called (once per tick, however many appends) when the high watermark moves: fetch wake-up */
  onAppend: (() => void) | null = null;
  /** set once a write or fsync failed: the log refuses appends from then on */
  writeError: unknown = null;

  private readonly index = new BatchIndex();
  private readonly cache: (Buffer | undefined)[] = [];
  private cacheStart = 0;
  private cachedBytes = 0;
  private fileEnd = 0;
  private notifyQueued = false;
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
    log.highWatermark = scan.nextOffset;
    log.fileEnd = scan.validBytes;
    for (let i = 0; i < log.index.count; i++) log.cache.push(undefined);
    log.cacheStart = log.index.count;
    return log;
  }

  /** true once closed (its topic was deleted, or the broker is stopping) */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Assign offsets to the batches (rewriting bytes 0-7 in place) and write them to the file
   * (page cache) before returning the first base offset. Throws when the log is closed or the
   * write fails; after a failed write the log is read-only (later batches cannot go past a hole).
   */
  append(batches: readonly Buffer[]): bigint {
    if (this.closed) throw new Error('partition log is closed');
    if (this.writeError) throw this.writeError;
    const first = this.highWatermark;
    let next = first;
    let bytes = 0;
    for (const b of batches) {
      b.writeBigInt64BE(next, 0);
      next += BigInt(b.readInt32BE(23)) + 1n;
      bytes += b.length;
    }
    try {
      // libuv retries partial writes itself; a short count means it hit an error part way.
      // A produce request usually carries one batch per partition: plain pwrite is cheaper then.
      const written =
        batches.length === 1
          ? writeSync(this.fh.fd, batches[0]!, 0, bytes, this.fileEnd)
          : writevSync(this.fh.fd, batches as Buffer[], this.fileEnd);
      if (written !== bytes) throw new Error(`short write: ${written} of ${bytes} bytes`);
    } catch (err) {
      this.fail(err, 'partition log write failed; partition is now read-only');
      throw err;
    }
    let pos = this.fileEnd;
    let offset = first;
    for (const b of batches) {
      const lastDelta = b.readInt32BE(23);
      this.index.push(offset, lastDelta, pos, b.length, b.readBigInt64BE(35));
      this.cache.push(b);
      pos += b.length;
      offset += BigInt(lastDelta) + 1n;
    }
    this.cachedBytes += bytes;
    this.fileEnd = pos;
    this.highWatermark = next;
    this.evict();
    if (!this.notifyQueued && this.onAppend) {
      // Once for a burst of appends, and after a reply that can go out at once has been written.
      this.notifyQueued = true;
      queueMicrotask(() => {
        this.notifyQueued = false;
        this.onAppend?.();
      });
    }
    return first;
  }

  private fail(err: unknown, message: string): void {
    if (!this.writeError) this.opts.logger.error({ err, path: this.opts.path }, message);
    this.writeError ??= err;
  }

  private evict(): void {
    while (this.cachedBytes > this.opts.cacheBytes && this.cacheStart < this.index.count) {
      const i = this.cacheStart;
      this.cachedBytes -= this.index.byteSize(i);
      this.cache[i] = undefined;
      this.cacheStart++;
    }
  }

  /**
   * fsync, shared with concurrent callers; covers every append made before the call. A failed
   * fsync makes the log read-only: the kernel may have dropped the dirty pages it could not write.
   */
  sync(): Promise<void> {
    return this.syncer.sync().catch((err: unknown) => {
      this.fail(err, 'partition log fsync failed; partition is now read-only');
      throw err;
    });
  }

  /** Bytes readers may see from the batch containing offset up to the high watermark (fetch min-bytes). */
  bytesFrom(offset: bigint): number {
    const i = this.index.findByOffset(offset);
    return i < 0 ? 0 : this.fileEnd - this.index.filePos(i);
  }

  /**
   * Whole batches below the high watermark, starting at the one containing offset, up to
   * maxBytes but at least one batch when minOne is set. The size is known at once; the data
   * comes by reference from the cache, or from one file read of the contiguous range.
   */
  readRange(offset: bigint, maxBytes: number, minOne: boolean): { bytes: number; data: Buffer[] | Promise<Buffer[]> } {
    const start = this.index.findByOffset(offset);
    if (start < 0) return { bytes: 0, data: [] };
    let end = start;
    let bytes = 0;
    while (end < this.index.count) {
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
    await this.syncer.idle();
    if (fsync) await this.fh.datasync().catch(() => undefined);
    await this.fh.close();
  }
}
