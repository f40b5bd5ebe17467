import fs from 'node:fs/promises';
import path from 'node:path';
import { calculateObjectSize } from 'bson';
import type { Logger } from 'pino';
import type { Doc } from '../bson-values.ts';
import { Catalog } from './catalog.ts';
import type { JournalOp } from './catalog.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { Journal } from './journal.ts';
import type { FsyncMode } from './journal.ts';
import { decodeRecords, encodeRecord } from './record-file.ts';

const SNAPSHOT = 'snapshot.bin';
const MAX_JOURNAL_RECORD_BYTES = 8 * 1024 * 1024;
const JOURNAL = 'journal.bin';

/**
 * Snapshot + journal in one directory. The snapshot is a sequence of records:
 * {t:'coll', db, c, opts, indexes} followed by {t:'doc', db, c, doc} for its documents.
 * The journal holds one record {ops:[...]} per acknowledged command.
 */
export class Persistence {
  private constructor(
    private readonly dir: string,
    readonly journal: Journal,
    private readonly logger: Logger,
    private readonly unlock: () => Promise<void>,
  ) {}

  static async open(dir: string, fsyncMode: FsyncMode, logger: Logger): Promise<{ persistence: Persistence; catalog: Catalog }> {
    await fs.mkdir(dir, { recursive: true });
    const unlock = await lockDataDir(dir);
    try {
      await fs.rm(path.join(dir, `${SNAPSHOT}.tmp`), { force: true });
      const catalog = new Catalog();
      await loadSnapshot(path.join(dir, SNAPSHOT), catalog, logger);
      const { journal, records } = await Journal.open(path.join(dir, JOURNAL), fsyncMode, logger);
      let ops = 0;
      for (const record of records) {
        for (const op of record.ops as JournalOp[]) {
          catalog.apply(op);
          ops++;
        }
      }
      logger.info({ dir, journalRecords: records.length, journalOps: ops }, 'data loaded');
      return { persistence: new Persistence(dir, journal, logger, unlock), catalog };
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  /** Journals the operations of one command; resolves when they are durable. */
  append(ops: JournalOp[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    // bson serializes at most ~17 MB per document, and one insert command may carry 48 MB,
    // so a command's operations are split over several records (each op is replay-safe alone).
    const records: Buffer[] = [];
    let batch: JournalOp[] = [];
    let batchBytes = 0;
    for (const op of ops) {
      const size = calculateObjectSize(op);
      if (batch.length > 0 && batchBytes + size > MAX_JOURNAL_RECORD_BYTES) {
        records.push(encodeRecord({ ops: batch }));
        batch = [];
        batchBytes = 0;
      }
      batch.push(op);
      batchBytes += size;
    }
    records.push(encodeRecord({ ops: batch }));
    return this.journal.append(records.length === 1 ? records[0]! : Buffer.concat(records));
  }

  /**
   * Writes the whole catalog to a new snapshot (temp file, fsync, rename, fsync dir) and empties
   * the journal. The caller must keep writes out while this runs (it runs on the command queue).
   */
  async compact(catalog: Catalog): Promise<void> {
    await this.journal.drain();
    const started = Date.now();
    const tmp = path.join(this.dir, `${SNAPSHOT}.tmp`);
    const fh = await fs.open(tmp, 'w');
    let docs = 0;
    try {
      let chunk: Buffer[] = [];
      let chunkBytes = 0;
      const push = async (doc: Doc): Promise<void> => {
        const buf = encodeRecord(doc);
        chunk.push(buf);
        chunkBytes += buf.length;
        if (chunkBytes > 1 << 20) {
          await fh.writev(chunk);
          chunk = [];
          chunkBytes = 0;
        }
      };
      for (const db of catalog.databases()) {
        for (const coll of catalog.collections(db)) {
          const indexes = coll.indexes.filter((i) => i.name !== '_id_').map((i) => i.spec);
          await push({ t: 'coll', db, c: coll.name, opts: coll.options, indexes });
          for (const record of coll.all()) {
            await push({ t: 'doc', db, c: coll.name, doc: record.typed });
            docs++;
          }
        }
      }
      if (chunk.length) await fh.writev(chunk);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, path.join(this.dir, SNAPSHOT));
    await syncDir(this.dir);
    await this.journal.truncate();
    this.logger.info({ docs, ms: Date.now() - started }, 'snapshot written, journal truncated');
  }

  async close(): Promise<void> {
    await this.journal.close();
    await this.unlock();
  }
}

async function loadSnapshot(file: string, catalog: Catalog, logger: Logger): Promise<void> {
  const content = await fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!content) return;
  const decoded = decodeRecords(content);
  // The snapshot is renamed into place only after fsync, so damage here is not a torn write;
  // keep what is readable and say so loudly.
  if (decoded.problem) logger.error({ file, reason: decoded.problem }, 'snapshot is damaged; loaded the readable part');
  const pendingIndexes: Array<{ db: string; c: string; spec: Doc }> = [];
  for (const rec of decoded.docs) {
    const db = String(rec.db);
    const c = String(rec.c);
    if (rec.t === 'coll') {
      catalog.apply({ o: 'cc', db, c, opts: rec.opts as Doc });
      for (const spec of rec.indexes as Doc[]) pendingIndexes.push({ db, c, spec });
    } else if (rec.t === 'doc') {
      catalog.apply({ o: 'put', db, c, doc: rec.doc as Doc });
    }
  }
  // Building indexes after the documents are in is one pass per index instead of per insert.
  for (const { db, c, spec } of pendingIndexes) catalog.apply({ o: 'ci', db, c, spec });
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
