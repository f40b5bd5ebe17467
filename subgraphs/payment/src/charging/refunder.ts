import { handleCommand, type CommandHandlerDeps, type CommandMetadata } from '@tributary/bus';
import { paymentDecider, type Payment } from '../domain/index.ts';
import type { PaymentProvider } from '../provider/payment-provider.ts';
import type { ChargeReferences } from './charge-references.ts';

export interface Refunder {
  /** Gives a captured payment's money back through the provider, then records PaymentRefunded. */
  refund(payment: Payment, metadata: CommandMetadata, signal?: AbortSignal): Promise<void>;
}

export function refundKey(paymentId: string): string {
  return `refund-${paymentId}`;
}

export function createRefunder(deps: { commands: CommandHandlerDeps; provider: PaymentProvider; references: ChargeReferences }): Refunder {
  return {
    async refund(payment, metadata, signal) {
      // A zero amount was captured without calling the provider: nothing to give back there.
      if (payment.amount?.amount !== 0) {
        const chargeId = await deps.references.find(payment.orderId);
        // Cannot happen (the reference is written before PaymentCaptured): fail loudly.
        if (!chargeId) throw new Error(`payment ${payment.paymentId} is captured but no provider charge id was recorded`);
        // The key is the same on every try, so a retry after a lost answer refunds once.
        await deps.provider.refund({ chargeId, idempotencyKey: refundKey(payment.paymentId) }, signal);
      }
      await handleCommand(deps.commands, paymentDecider, payment.orderId, { type: 'Refund', data: { orderId: payment.orderId, now: deps.commands.now() } }, metadata);
    },
  };
}
