import { ensureCollection } from '@tributary/bus';
import type { Connection, mongo } from 'mongoose';

export const CHARGE_REFERENCES_COLLECTION = 'payment_charges';

interface ChargeReference {
  _id: string;
  chargeId: string;
  recordedAt: Date;
}

export interface ChargeReferences {
  init(): Promise<void>;
  /** Remembers the provider's charge id of an order's payment (idempotent). */
  save(orderId: string, chargeId: string, now: Date): Promise<void>;
  find(orderId: string): Promise<string | null>;
}

/**
 * The provider's id of each captured charge, needed to refund it. PaymentCaptured v1 does not
 * carry it, so it is kept here; it is written before PaymentCaptured is appended, so every
 * captured payment has one.
 */
export function createChargeReferences(connection: Connection): ChargeReferences {
  const collection = () => connection.db?.collection<ChargeReference>(CHARGE_REFERENCES_COLLECTION) as mongo.Collection<ChargeReference>;
  return {
    async init() {
      await ensureCollection(connection, CHARGE_REFERENCES_COLLECTION);
    },
    async save(orderId, chargeId, now) {
      // The same idempotency key always yields the same charge, so a repeat writes nothing new.
      await collection().updateOne({ _id: orderId }, { $setOnInsert: { chargeId, recordedAt: now } }, { upsert: true });
    },
    async find(orderId) {
      return (await collection().findOne({ _id: orderId }))?.chargeId ?? null;
    },
  };
}
