import { handleCommand, type CommandHandlerDeps, type KeyClaims } from '@tributary/bus';
import { ValidationError, type Actor, type CancellationReason } from '@tributary/contracts';
import { viewOf } from '@tributary/service';
import { OrderNotFoundError, orderDecider, placeOrderInputSchema, type OrderCommand } from '../domain/index.ts';
import { orderProjection, type OrderView } from '../projections/order-view.ts';

export interface OrderCommandsDeps extends CommandHandlerDeps {
  keyClaims: KeyClaims;
}

export interface PlaceOrderRequest {
  items: { sku: string; quantity: number }[];
  idempotencyKey?: string | null;
  paymentMethod?: string | null;
}

/** Who asked and why: ends up in the envelopes (the order id becomes the correlation id). */
export interface RequestMetadata {
  actor: Actor;
  /** Id of the GraphQL request or of the event a saga step reacts to. */
  causationId: string;
  traceparent?: string;
}

/** The saga acts as this actor. */
export const SYSTEM_ACTOR: Actor = { customerId: 'system', role: 'system' };

/**
 * The order's application service: requests and saga verdicts become commands here. Each
 * returns the order as the write side now knows it (a view folded from the stream just
 * written), so a mutation answers with its own effect even before the read model has caught up.
 */
export function createOrderCommands(deps: OrderCommandsDeps) {
  async function run(orderId: string, command: OrderCommand, meta: RequestMetadata): Promise<OrderView> {
    const result = await handleCommand(deps, orderDecider, orderId, command, {
      actor: meta.actor,
      correlationId: orderId,
      causationId: meta.causationId,
      ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
    });
    const view = viewOf(orderProjection, result.stream);
    if (!view) throw new OrderNotFoundError(orderId);
    return view;
  }

  return {
    async placeOrder(request: PlaceOrderRequest, meta: RequestMetadata): Promise<OrderView> {
      const now = deps.now();
      const candidate = { orderId: deps.newId(), customerId: meta.actor.customerId, now, ...request };
      // Validate before claiming the idempotency key: bad input must change nothing.
      const parsed = placeOrderInputSchema.safeParse(candidate);
      if (!parsed.success) throw ValidationError.fromZod(parsed.error);

      let orderId = parsed.data.orderId;
      if (parsed.data.idempotencyKey) {
        // The key is claimed before the order is appended: a crash in between leaves a key
        // whose order stream is empty, and the client's retry places the order under that id.
        const claim = await deps.keyClaims.claimKey(`order:${meta.actor.customerId}`, parsed.data.idempotencyKey, orderId);
        orderId = claim.value;
      }
      return run(orderId, { type: 'PlaceOrder', data: { ...candidate, orderId } }, meta);
    },

    /** A person's cancellation (the customer, or an admin on their behalf). */
    async cancelOrder(orderId: string, meta: RequestMetadata): Promise<OrderView> {
      const detail = meta.actor.role === 'admin' ? 'cancelled by an administrator' : 'cancelled at the customer’s request';
      const command: OrderCommand = {
        type: 'CancelOrder',
        data: { orderId, reason: 'CUSTOMER_REQUEST', detail, cancelledBy: meta.actor, now: deps.now() },
      };
      return run(orderId, command, meta);
    },

    async markShipped(orderId: string, meta: RequestMetadata): Promise<OrderView> {
      return run(orderId, { type: 'MarkOrderShipped', data: { orderId, now: deps.now() } }, meta);
    },

    /** Saga: payment was captured (which implies stock was reserved). */
    async confirm(orderId: string, paymentId: string, meta: RequestMetadata): Promise<OrderView> {
      return run(orderId, { type: 'ConfirmOrder', data: { orderId, paymentId, now: deps.now() } }, meta);
    },

    /** Saga: out of stock, payment declined or no answer in time. A no-op once the order left PENDING. */
    async cancelBySaga(orderId: string, reason: CancellationReason, detail: string, meta: RequestMetadata): Promise<OrderView> {
      const command: OrderCommand = { type: 'CancelOrder', data: { orderId, reason, detail, cancelledBy: 'system', now: deps.now() } };
      return run(orderId, command, meta);
    },
  };
}

export type OrderCommands = ReturnType<typeof createOrderCommands>;
