import type { Resolvers } from '../generated/resolvers-types.ts';
import type { PaymentQueries } from './payment-queries.ts';

/** GraphQL -> queries. No business rule lives here; errors are mapped once by the kit. */
export function createResolvers(queries: PaymentQueries): Resolvers {
  return {
    Query: {
      payment: (_parent, args, context) => queries.forOrder(context, args.orderId),
    },
    Order: {
      // The gateway hands over the key; the payment is looked up when asked for.
      __resolveReference: (reference) => ({ id: reference.id }),
      payment: (order, _args, context) => queries.forOrder(context, order.id),
    },
    Payment: {
      id: (payment) => payment.paymentId,
    },
  };
}
