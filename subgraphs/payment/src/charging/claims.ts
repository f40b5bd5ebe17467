import { ensureCollection, isDuplicateKeyError } from '@tributary/bus';
import type { Connection, mongo } from 'mongoose';

export const CLAIMS_COLLECTION = 'payment_claims';

interface ClaimDocument {
  _id: string;
  owner: string;
  claimedUntil: Date;
}

export interface ChargeClaims {
  init(): Promise<void>;
  /** True when `owner` now holds the order's claim for `ttlMs` (free, expired, or already its own). */
  claim(orderId: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  release(orderId: string, owner: string): Promise<void>;
}

/**
 * Short leases that keep two replicas (or a replica's reaction and its retry worker) from
 * charging the same payment at the same time. They are an optimisation: the provider's
 * idempotency key (the payment id) is what makes a double attempt harmless. They live apart
 * from the `payments` read model because the projector replaces those documents whole, and
 * because the first attempt runs before the projector has written the document at all.
 */
export function createChargeClaims(connection: Connection): ChargeClaims {
  const collection = () => connection.db?.collection<ClaimDocument>(CLAIMS_COLLECTION) as mongo.Collection<ClaimDocument>;
  return {
    async init() {
      await ensureCollection(connection, CLAIMS_COLLECTION);
    },
    async claim(orderId, owner, ttlMs, now) {
      try {
        // One single-document upsert: free or expired (or ours) is taken; a live claim of
        // someone else's does not match, so the upsert's insert collides on _id.
        await collection().findOneAndUpdate(
          { _id: orderId, $or: [{ claimedUntil: { $lte: now } }, { owner }] },
          { $set: { owner, claimedUntil: new Date(now.getTime() + ttlMs) } },
          { upsert: true },
        );
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
    async release(orderId, owner) {
      await collection().updateOne({ _id: orderId, owner }, { $set: { claimedUntil: new Date(0) } });
    },
  };
}
