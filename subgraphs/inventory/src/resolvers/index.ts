import { requestMetadata, requireAdmin } from '@tributary/service';
import type { ProductCommands } from '../commands/product-commands.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import type { ProductView } from '../projections/product-view.ts';
import type { ProductQueries } from '../queries/product-queries.ts';
import type { ProductSubscriptions } from '../queries/product-subscriptions.ts';
import type { ReservationQueries } from '../queries/reservation-queries.ts';

export interface ResolverDeps {
  products: ProductCommands;
  productQueries: ProductQueries;
  productSubscriptions: ProductSubscriptions;
  reservationQueries: ReservationQueries;
}

/**
 * GraphQL -> commands and queries; no business rule lives here, and no error is caught: domain
 * errors reach the kit's formatter, which maps them to `extensions.code` in one place.
 */
export function createResolvers(deps: ResolverDeps): Resolvers {
  const { products, productQueries, productSubscriptions, reservationQueries } = deps;
  return {
    Query: {
      product: (_parent, args) => productQueries.bySku(args.sku),
      products: (_parent, args) => productQueries.page(args),
    },
    Mutation: {
      addProduct: (_parent, { input }, context) => {
        requireAdmin(context);
        return products.addProduct(input, requestMetadata(context, input.sku));
      },
      restock: (_parent, { sku, quantity }, context) => {
        requireAdmin(context);
        return products.restock(sku, quantity, requestMetadata(context, sku));
      },
    },
    Subscription: {
      stockChanged: {
        // Public, like the catalogue: no caller needed.
        subscribe: (_parent, args) => productSubscriptions.stockChanged(args),
        // The stream yields product documents; each one is the field's value.
        resolve: (product: ProductView) => product,
      },
    },
    Product: {
      sku: (product) => product._id,
      // Public catalogue data: the gateway may resolve a Product for any caller.
      __resolveReference: (reference) => productQueries.bySku(reference.sku),
    },
    Order: {
      __resolveReference: (reference) => ({ id: reference.id }),
      reservation: (order, _args, context) => reservationQueries.forOrder(context, order.id),
    },
  };
}
