import type { Logger } from 'pino';
import type { Doc } from './bson-values.ts';
import { commandName, executeCommand, HANDSHAKE_COMMANDS } from './commands/dispatch.ts';
import { CursorRegistry } from './cursors.ts';
import { MongoServerError, errorReply } from './errors.ts';
import { SerialQueue } from './serial-queue.ts';
import type { Catalog } from './store/catalog.ts';
import type { Persistence } from './store/persistence.ts';
import { expireDocuments } from './ttl-monitor.ts';

/** Compact once the journal grows past this by default (a snapshot also happens at close). */
export const DEFAULT_COMPACT_JOURNAL_BYTES = 64 * 1024 * 1024;

/**
 * Executes commands one at a time and makes each reply wait until that command's changes are
 * in the journal. The wait happens outside the queue, so concurrent writes share an fsync.
 */
export class CommandRunner {
  readonly cursors = new CursorRegistry();
  private readonly queue = new SerialQueue();
  private compacting = false;

  constructor(
    private readonly catalog: Catalog,
    private readonly persistence: Persistence,
    private readonly logger: Logger,
    private readonly compactJournalBytes = DEFAULT_COMPACT_JOURNAL_BYTES,
  ) {}

  async run(body: Doc, db: string, connectionId: number): Promise<Doc> {
    const ctx = { catalog: this.catalog, cursors: this.cursors, logger: this.logger, db, connectionId };
    // Monitoring commands must answer even while a long command runs.
    if (HANDSHAKE_COMMANDS.has(commandName(body))) return executeCommand(body, ctx);
    const { reply, durable } = await this.queue.run(() => {
      const reply = executeCommand(body, ctx);
      return { reply, durable: this.journalPending() };
    });
    try {
      await durable;
    } catch (err) {
      this.logger.error({ err }, 'journal write failed');
      return errorReply(MongoServerError.of('InternalError', `journal write failed: ${(err as Error).message}`));
    }
    this.maybeCompact();
    return reply;
  }

  /** Deletes expired TTL documents (on the queue, journaled like any write). */
  expireTtl(): Promise<number> {
    return this.queue.run(async () => {
      const removed = expireDocuments(this.catalog);
      await this.journalPending();
      if (removed > 0) this.logger.debug({ removed }, 'ttl expired documents');
      return removed;
    });
  }

  /** Writes a snapshot and empties the journal, with no command running meanwhile. */
  compact(): Promise<void> {
    return this.queue.run(() => this.persistence.compact(this.catalog));
  }

  private journalPending(): Promise<void> {
    return this.persistence.append(this.catalog.takePending());
  }

  private maybeCompact(): void {
    if (this.compacting || this.persistence.journal.size < this.compactJournalBytes) return;
    this.compacting = true;
    this.compact()
      .catch((err: unknown) => this.logger.error({ err }, 'compaction failed'))
      .finally(() => {
        this.compacting = false;
      });
  }
}
