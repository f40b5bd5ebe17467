import { randomInt } from 'node:crypto';
import { Long, calculateObjectSize } from 'bson';
import { MongoServerError } from './errors.ts';
import type { Doc } from './bson-values.ts';

/** Replies stay under the 16 MiB document limit with room for the envelope. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
export const DEFAULT_FIRST_BATCH = 101;
/** A cursor untouched this long is dropped, like the server's cursorTimeoutMillis. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  pos: number;
  owner: number;
  lastUsed: number;
}

export interface CursorReply {
  id: Long;
  ns: string;
  batch: Doc[];
}

/** Server-side cursors over materialised results, owned by the connection that opened them. */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();

  get openCount(): number {
    return this.cursors.size;
  }

  /** Returns the first batch; keeps a cursor only if documents remain and `single` is false. */
  open(ns: string, docs: Doc[], batchSize: number, single: boolean, owner: number): CursorReply {
    const cursor: OpenCursor = { ns, docs, pos: 0, owner, lastUsed: Date.now() };
    const batch = takeBatch(cursor, batchSize);
    if (single || cursor.pos >= docs.length) return { id: Long.ZERO, ns, batch };
    const id = this.newId();
    this.cursors.set(id.toString(), cursor);
    return { id, ns, batch };
  }

  getMore(id: Long, ns: string, batchSize: number): CursorReply {
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (!cursor || cursor.ns !== ns) throw MongoServerError.of('CursorNotFound', `cursor id ${key} not found`);
    cursor.lastUsed = Date.now();
    const batch = takeBatch(cursor, batchSize);
    if (cursor.pos >= cursor.docs.length) {
      this.cursors.delete(key);
      return { id: Long.ZERO, ns, batch };
    }
    return { id, ns, batch };
  }

  kill(ids: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(id.toString()) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  /** Frees the cursors of a closed connection. */
  releaseOwner(owner: number): void {
    for (const [key, c] of this.cursors) if (c.owner === owner) this.cursors.delete(key);
  }

  sweepIdle(now = Date.now()): void {
    for (const [key, c] of this.cursors) if (now - c.lastUsed > IDLE_TIMEOUT_MS) this.cursors.delete(key);
  }

  private newId(): Long {
    // Positive 53-bit ids: unique enough, never 0 (0 means "exhausted" to drivers).
    for (;;) {
      const id = Long.fromNumber(randomInt(1, 2 ** 47) * 64 + randomInt(0, 64));
      if (!this.cursors.has(id.toString())) return id;
    }
  }
}

/** batchSize 0 means "no limit" for getMore and "empty first batch" is not needed by our clients. */
function takeBatch(cursor: OpenCursor, batchSize: number): Doc[] {
  const max = batchSize > 0 ? batchSize : Number.POSITIVE_INFINITY;
  const batch: Doc[] = [];
  let bytes = 0;
  while (cursor.pos < cursor.docs.length && batch.length < max) {
    const doc = cursor.docs[cursor.pos]!;
    const size = calculateObjectSize(doc);
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    batch.push(doc);
    bytes += size;
    cursor.pos++;
  }
  return batch;
}
