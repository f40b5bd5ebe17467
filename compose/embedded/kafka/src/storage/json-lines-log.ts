// A small append-only JSON-lines file (topic metadata, committed offsets), replayed on start.
// A torn last line (crash mid-write) is dropped with a warning; compaction rewrites the file
// atomically (temp file + rename).
import { open, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import { SyncBatcher } from './sync-batcher.ts';

export class JsonLinesLog<T> {
  private pending: Promise<void> = Promise.resolve();
  private readonly syncer: SyncBatcher;

  private constructor(
    private fh: FileHandle,
    private readonly path: string,
    private readonly fsync: boolean,
  ) {
    this.syncer = new SyncBatcher(() => this.fh.datasync());
  }

  /** Open (creating if needed) and return the log with the records it holds. */
  static async open<T>(path: string, fsync: boolean, logger: Logger): Promise<{ log: JsonLinesLog<T>; records: T[] }> {
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const records: T[] = [];
    const lines = text.split('\n');
    let goodBytes = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const isLast = i === lines.length - 1;
      if (isLast && line === '') break;
      try {
        if (isLast) throw new Error('no trailing newline');
        records.push(JSON.parse(line) as T);
        goodBytes += Buffer.byteLength(line) + 1;
      } catch (err) {
        logger.warn({ path, line: i + 1, err: (err as Error).message }, 'dropping unreadable line from metadata log');
        if (isLast) break;
        goodBytes += Buffer.byteLength(line) + 1; // keep the position; the line is skipped on replay
      }
    }
    const fh = await open(path, 'a+');
    const { size } = await fh.stat();
    if (size > goodBytes) await fh.truncate(goodBytes);
    return { log: new JsonLinesLog<T>(fh, path, fsync), records };
  }

  /** Append records; resolves once written (and fsynced when the policy says so). */
  append(records: readonly T[]): Promise<void> {
    const data = records.map((r) => JSON.stringify(r) + '\n').join('');
    const write = this.pending.then(() => this.fh.appendFile(data));
    this.pending = write.catch(() => undefined);
    return this.fsync ? write.then(() => this.syncer.sync()) : write;
  }

  /** Replace the whole content (compaction). */
  async rewrite(records: readonly T[]): Promise<void> {
    await this.pending;
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, records.map((r) => JSON.stringify(r) + '\n').join(''), { flush: true });
    await rename(tmp, this.path);
    await this.fh.close();
    this.fh = await open(this.path, 'a+');
  }

  async close(): Promise<void> {
    await this.pending;
    if (this.fsync) await this.fh.datasync().catch(() => undefined);
    await this.fh.close();
  }
}
