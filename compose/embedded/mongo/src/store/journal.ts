import fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import { decodeRecords } from './record-file.ts';
import type { Doc } from '../bson-values.ts';

export type FsyncMode = 'always' | 'never';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Append-only journal with group commit: appends made while a write+fsync is in progress are
 * written and synced together by the next round, and each caller's promise resolves only once
 * its bytes are on disk.
 */
export class Journal {
  private pending: Buffer[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private bytes: number;

  private constructor(
    private readonly fh: FileHandle,
    private readonly fsyncMode: FsyncMode,
    size: number,
  ) {
    this.bytes = size;
  }

  /** Opens (creating if needed) the journal, returns its valid records and drops a bad tail. */
  static async open(path: string, fsyncMode: FsyncMode, logger: Logger): Promise<{ journal: Journal; records: Doc[] }> {
    const content = await fs.readFile(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return Buffer.alloc(0);
      throw err;
    });
    const decoded = decodeRecords(content);
    if (decoded.problem) {
      logger.warn(
        { path, validBytes: decoded.validLength, droppedBytes: content.length - decoded.validLength, reason: decoded.problem },
        'journal tail is torn or corrupt; truncating it',
      );
      await fs.truncate(path, decoded.validLength);
    }
    const fh = await fs.open(path, 'a');
    return { journal: new Journal(fh, fsyncMode, decoded.validLength), records: decoded.docs };
  }

  get size(): number {
    return this.bytes;
  }

  append(record: Buffer): Promise<void> {
    this.pending.push(record);
    this.bytes += record.length;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushing) this.flushing = this.flushLoop();
    return done;
  }

  /** Resolves once everything appended so far is written (and synced in 'always' mode). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async truncate(): Promise<void> {
    await this.drain();
    await this.fh.truncate(0);
    if (this.fsyncMode === 'always') await this.fh.sync();
    this.bytes = 0;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.fh.close();
  }

  private async flushLoop(): Promise<void> {
    // Yield once so that appends from the same tick join this round.
    await new Promise<void>((r) => setImmediate(r));
    while (this.pending.length > 0) {
      const buffers = this.pending;
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        await this.fh.writev(buffers);
        if (this.fsyncMode === 'always') await this.fh.datasync();
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.flushing = undefined;
  }
}
