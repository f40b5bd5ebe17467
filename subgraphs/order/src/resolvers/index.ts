import { DateTimeResolver } from 'graphql-scalars';
import { requireActor, requireAdmin, type ServiceContext } from '@tributary/service';
import type { OrderCommands, RequestMetadata } from '../commands/order-commands.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import type { OrderView } from '../projections/order-view.ts';
import type { OrderQueries } from './order-queries.ts';
import type { OrderSubscriptions } from './order-subscriptions.ts';

export interface ResolverDeps {
  commands: OrderCommands;
  queries: OrderQueries;
  subscriptions: OrderSubscriptions;
}

/** GraphQL -> commands and queries. No business rule lives here; errors are mapped by the kit. */
export function createResolvers({ commands, queries, subscriptions }: ResolverDeps): Resolvers {
  return {
    DateTime: DateTimeResolver,
    Query: {
      order: (_, args, ctx) => queries.byId(requireActor(ctx), args.id),
      orders: (_, args, ctx) => queries.page(requireActor(ctx), args),
    },
    Mutation: {
      placeOrder: (_, { input }, ctx) => commands.placeOrder(input, meta(ctx)),
      cancelOrder: (_, args, ctx) => commands.cancelOrder(args.id, meta(ctx)),
      markShipped: (_, args, ctx) => {
        requireAdmin(ctx);
        return commands.markShipped(args.id, meta(ctx));
      },
    },
    Subscription: {
      orderChanged: {
        subscribe: (_, args, ctx) => subscriptions.orderChanged(requireActor(ctx), args),
        // The stream yields order documents; each one is the field's value.
        resolve: (order: OrderView) => order,
      },
    },
    Order: {
      id: (order) => order._id,
      __resolveReference: (reference, ctx) => queries.byId(requireActor(ctx), reference.id),
    },
    // The inventory subgraph resolves the rest of the product from this reference.
    OrderItem: { product: (item) => ({ sku: item.sku }) },
  };
}

function meta(ctx: ServiceContext): RequestMetadata {
  return {
    actor: requireActor(ctx),
    causationId: ctx.requestId,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
  };
}
