import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from './errors.ts';

export interface KeyClaim {
  /** true when this call created the claim; false when an earlier call had made it. */
  claimed: boolean;
  /** The value stored by whichever call claimed the key first (e.g. the order id). */
  value: string;
}

export interface KeyClaims {
  init(): Promise<void>;
  /**
   * Inserts (scope, key) -> value, or returns the value already stored for it. One insert on
   * the _id index: atomic on every MongoDB topology, no transaction needed.
   *
   * Crash window, and why claiming BEFORE appending is the safe order: the claim and the append
   * are two documents, so a crash can fall between them. Claim first and the worst case is a
   * key pointing at an id whose stream is still empty; the retried command gets `claimed:
   * false` with the same id, finds the stream at version 0 and appends it then (the append at
   * expectedVersion 0 can succeed only once). Append first and a crash would leave a placed
   * order with no key, so the client's retry would place a second order.
   */
  claimKey(scope: string, key: string, value: string): Promise<KeyClaim>;
}

export function createKeyClaims(connection: Connection, collectionName = 'idempotency_keys'): KeyClaims {
  const collection = () =>
    connection.collection<{ scope: string; key: string; value: string; claimedAt: Date }>(collectionName);
  return {
    async init() {
      // The unique index is the claim: the second insert of (scope, key) fails with 11000.
      await collection().createIndex({ scope: 1, key: 1 }, { unique: true, name: 'scope_key_unique' });
    },
    async claimKey(scope, key, value) {
      try {
        await collection().insertOne({ scope, key, value, claimedAt: new Date() });
        return { claimed: true, value };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const existing = await collection().findOne({ scope, key });
      if (!existing) throw new Error(`idempotency key (${scope}, ${key}) collided but cannot be read back`);
      return { claimed: false, value: existing.value };
    },
  };
}
