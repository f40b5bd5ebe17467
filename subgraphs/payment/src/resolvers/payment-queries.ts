import { canSee, requireActor, type ServiceContext } from '@tributary/service';
import type { PaymentReadModel } from '../projections/payment-read-model.ts';
import { isRequested, type PaymentView, type RequestedPaymentView } from '../projections/payment-view.ts';

export interface PaymentQueries {
  /**
   * The order's payment, or null: when none exists, when only its amount is known so far (it
   * has no owner yet to check against), or when the caller may not see it (no existence leak).
   */
  forOrder(context: ServiceContext, orderId: string): Promise<RequestedPaymentView | null>;
}

/** Reads of the `payments` read model (eventually consistent with the event store). */
export function createPaymentQueries(readModel: PaymentReadModel): PaymentQueries {
  return {
    async forOrder(context, orderId) {
      const actor = requireActor(context);
      const view = await readModel.findById(orderId).lean<PaymentView>().exec();
      if (!view || !isRequested(view)) return null;
      return canSee(actor, view.customerId) ? view : null;
    },
  };
}
