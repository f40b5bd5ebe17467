import { DateTimeResolver } from 'graphql-scalars';
import type { OrderCommands } from '../commands/order-commands.ts';
import type { OrderStatus } from '../domain/index.ts';
import type { OrderView } from '../projections/order-view.ts';
import type { OrderContext } from './context.ts';
import { mapErrors, requireActor } from './errors.ts';
import type { OrderQueries } from './order-queries.ts';

/** Why a customer's cancelOrder needs no reason field: the API cancels on the customer's request. */
const CUSTOMER_CANCEL_REASON = 'cancelled at the customer’s request';

export interface ResolverDeps {
  commands: OrderCommands;
  queries: OrderQueries;
}

/** GraphQL -> commands and queries. No business rule lives here. */
export function createResolvers(deps: ResolverDeps) {
  const { commands, queries } = deps;
  return {
    DateTime: DateTimeResolver,
    Query: {
      order: (_: unknown, args: { id: string }, ctx: OrderContext) =>
        mapErrors(() => queries.byId(requireActor(ctx.actor), args.id)),
      orders: (_: unknown, args: { status?: OrderStatus | null; first: number; after?: string | null }, ctx: OrderContext) =>
        mapErrors(() => queries.page(requireActor(ctx.actor), args)),
    },
    Mutation: {
      placeOrder: (_: unknown, args: { input: { items: { sku: string; quantity: number }[]; idempotencyKey?: string | null } }, ctx: OrderContext) =>
        mapErrors(() => commands.placeOrder(args.input, meta(ctx))),
      cancelOrder: (_: unknown, args: { id: string }, ctx: OrderContext) =>
        mapErrors(() => commands.cancelOrder(args.id, CUSTOMER_CANCEL_REASON, meta(ctx))),
    },
    Order: {
      id: (order: OrderView) => order._id,
      __resolveReference: (reference: { id: string }, ctx: OrderContext) =>
        mapErrors(() => queries.byId(requireActor(ctx.actor), reference.id)),
    },
  };
}

function meta(ctx: OrderContext) {
  return {
    actor: requireActor(ctx.actor),
    requestId: ctx.requestId,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
  };
}
