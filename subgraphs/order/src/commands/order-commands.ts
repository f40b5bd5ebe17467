import { handleCommand, type CommandHandlerDeps, type KeyClaims } from '@tributary/bus';
import type { Actor } from '@tributary/contracts';
import {
  OrderNotFoundError,
  OrderValidationError,
  orderDecider,
  placeOrderInputSchema,
  type OrderCommand,
} from '../domain/index.ts';
import { viewOfStream, type OrderView } from '../projections/order-view.ts';

export interface OrderCommandsDeps extends CommandHandlerDeps {
  keyClaims: KeyClaims;
}

export interface PlaceOrderRequest {
  items: { sku: string; quantity: number }[];
  idempotencyKey?: string | null;
}

/** Per-request facts that end up in the envelopes. */
export interface RequestMetadata {
  actor: Actor;
  /** Id of the GraphQL request; the causation of the events it appends. */
  requestId: string;
  traceparent?: string;
}

/**
 * The order's application service: GraphQL requests become commands here. Each returns the
 * order as the write side now knows it (a view folded from the stream just written), so a
 * mutation answers with its own effect even before the read model has caught up.
 */
export function createOrderCommands(deps: OrderCommandsDeps) {
  async function run(orderId: string, command: OrderCommand, meta: RequestMetadata): Promise<OrderView> {
    const result = await handleCommand(deps, orderDecider, orderId, command, {
      actor: meta.actor,
      correlationId: orderId,
      causationId: meta.requestId,
      ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
    });
    const view = viewOfStream(result.stream);
    if (!view) throw new OrderNotFoundError(orderId);
    return view;
  }

  return {
    async placeOrder(request: PlaceOrderRequest, meta: RequestMetadata): Promise<OrderView> {
      const now = deps.now();
      const candidate = { orderId: deps.newId(), customerId: meta.actor.customerId, now, ...request };
      // Validate before claiming the idempotency key: bad input must change nothing.
      const parsed = placeOrderInputSchema.safeParse(candidate);
      if (!parsed.success) throw OrderValidationError.fromZod(parsed.error);

      let orderId = parsed.data.orderId;
      if (parsed.data.idempotencyKey) {
        // The key is claimed before the order is appended: a crash in between leaves a key
        // whose order stream is empty, and the client's retry places the order under that id.
        const claim = await deps.keyClaims.claimKey(`order:${meta.actor.customerId}`, parsed.data.idempotencyKey, orderId);
        orderId = claim.value;
      }
      return run(orderId, { type: 'PlaceOrder', data: { ...candidate, orderId } }, meta);
    },

    async cancelOrder(orderId: string, reason: string, meta: RequestMetadata): Promise<OrderView> {
      const command: OrderCommand = {
        type: 'CancelOrder',
        data: { orderId, reason, cancelledBy: meta.actor, now: deps.now() },
      };
      return run(orderId, command, meta);
    },
  };
}

export type OrderCommands = ReturnType<typeof createOrderCommands>;
