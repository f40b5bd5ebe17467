import { Schema, type Connection, type Model } from 'mongoose';
import type { PaymentView } from './payment-view.ts';

export const PAYMENTS_COLLECTION = 'payments';

const paymentViewSchema = new Schema<PaymentView>(
  {
    _id: { type: String, required: true },
    paymentId: { type: String, required: true },
    customerId: { type: String, default: null },
    method: { type: String, default: null },
    status: { type: String, required: true, enum: ['PENDING', 'CAPTURED', 'DECLINED', 'VOIDED', 'REFUNDED'] },
    amountCents: { type: Number, default: null },
    currency: { type: String, default: null },
    declineReason: { type: String, default: null },
    attempts: { type: Number, required: true },
    nextAttemptAt: { type: Date, default: null },
    refundOwed: { type: Boolean, required: true },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
  },
  // The projection owns every field, timestamps included: they are the events' times.
  { collection: PAYMENTS_COLLECTION, versionKey: false, timestamps: false, autoIndex: false },
);

// The retry worker's two questions: which pending charges are due, which refunds are owed.
paymentViewSchema.index({ status: 1, nextAttemptAt: 1 });
paymentViewSchema.index({ refundOwed: 1, status: 1 });

export type PaymentReadModel = Model<PaymentView>;

export function paymentReadModel(connection: Connection): PaymentReadModel {
  return (connection.models.PaymentView as PaymentReadModel | undefined) ?? connection.model<PaymentView>('PaymentView', paymentViewSchema);
}
