import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from './errors.ts';

export interface LeaseOptions {
  connection: Connection;
  /** One lease per relay role, e.g. "outbox-relay:order". */
  name: string;
  /** Unique per process instance. */
  owner: string;
  ttlMs: number;
  collection?: string;
  now?: () => number;
}

export interface Lease {
  /**
   * Takes the lease if it is free, expired or already ours, and extends it by ttlMs.
   * Returns whether we hold it now. A single findOneAndUpdate: atomic on any topology.
   */
  acquire(): Promise<boolean>;
  /** Whether our last acquire is still valid for at least `marginMs` (local clock). */
  heldFor(marginMs: number): boolean;
  /** Expires the lease at once (only if still ours) so a standby need not wait for the TTL. */
  release(): Promise<void>;
}

interface LeaseDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

/**
 * A lease on a MongoDB document. Safety rests on clocks being roughly in sync (NTP): a holder
 * stops publishing `marginMs` before its lease ends, so a standby only takes over after the old
 * holder has stopped. Worst case (a paused holder resuming mid-send) is one duplicate batch,
 * which consumers absorb anyway (at-least-once delivery, exactly-once effects).
 */
export function createLease(options: LeaseOptions): Lease {
  const now = options.now ?? Date.now;
  const collection = () => options.connection.collection<LeaseDocument>(options.collection ?? 'leases');
  let heldUntil = 0;

  return {
    async acquire() {
      const startedAt = now();
      const expiresAt = new Date(startedAt + options.ttlMs);
      try {
        const result = await collection().findOneAndUpdate(
          { _id: options.name, $or: [{ owner: options.owner }, { expiresAt: { $lte: new Date(startedAt) } }] },
          { $set: { owner: options.owner, expiresAt } },
          { upsert: true, returnDocument: 'after' },
        );
        const ours = result?.owner === options.owner;
        // Count from before the round trip: the stored expiry can only be later than that.
        heldUntil = ours ? startedAt + options.ttlMs : 0;
        return ours;
      } catch (error) {
        // The lease exists and belongs to someone else, so the upsert tried a second _id.
        if (isDuplicateKeyError(error)) {
          heldUntil = 0;
          return false;
        }
        throw error;
      }
    },
    heldFor(marginMs) {
      return heldUntil - now() > marginMs;
    },
    async release() {
      heldUntil = 0;
      await collection().updateOne({ _id: options.name, owner: options.owner }, { $set: { expiresAt: new Date(0) } });
    },
  };
}
