import { orderEvents, type DomainEvent } from '@tributary/contracts';

/** The order's events, typed from the contracts (the latest version of each). */
export type OrderEventType = keyof typeof orderEvents;
export type OrderEvent = DomainEvent<OrderEventType>;

export type OrderPlaced = DomainEvent<'OrderPlaced'>;
export type OrderConfirmed = DomainEvent<'OrderConfirmed'>;
export type OrderCancelled = DomainEvent<'OrderCancelled'>;
export type OrderShipped = DomainEvent<'OrderShipped'>;

export const ORDER_EVENT_TYPES = Object.keys(orderEvents) as OrderEventType[];

export function isOrderEvent<E extends { type: string }>(event: E): event is E & { type: OrderEventType } {
  return Object.hasOwn(orderEvents, event.type);
}
