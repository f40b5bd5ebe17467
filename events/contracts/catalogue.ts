import {
  createEventCatalogue,
  type DomainEventOf,
  type EnvelopeOf,
  type SafeParseEventResult,
} from './create-catalogue.ts';
import type { AggregateType, DataOf } from './definition.ts';
import type { EnvelopeMetadata } from './envelope.ts';
import { inventoryEvents, supersededInventoryEvents } from './inventory.ts';
import { notificationEvents, supersededNotificationEvents } from './notification.ts';
import { orderEvents, supersededOrderEvents } from './order.ts';
import { paymentEvents, supersededPaymentEvents } from './payment.ts';
import { upcasters } from './upcasters.ts';

/** The latest version of every event type in Tributary: each type appears exactly once. */
export const latestEvents = {
  ...orderEvents,
  ...inventoryEvents,
  ...paymentEvents,
  ...notificationEvents,
} as const;

export type LatestEvents = typeof latestEvents;
export type EventType = keyof LatestEvents;
/** Payload of the latest version of an event type. */
export type EventData<T extends EventType> = DataOf<LatestEvents[T]>;
/** What deciders return: `{ type, data }` at the latest version (a union for a union of types). */
export type DomainEvent<T extends EventType = EventType> = DomainEventOf<LatestEvents, T>;
/** A parsed, upcast envelope (a union discriminated on `type` for a union of types). */
export type AnyEventEnvelope<T extends EventType = EventType> = EnvelopeOf<LatestEvents, T>;

/** The process-wide registry. Immutable, so sharing it needs no reset between tests. */
export const eventCatalogue = createEventCatalogue({
  latest: latestEvents,
  superseded: [
    ...supersededOrderEvents,
    ...supersededInventoryEvents,
    ...supersededPaymentEvents,
    ...supersededNotificationEvents,
  ],
  upcasters,
});

export const EVENT_TYPES: readonly EventType[] = eventCatalogue.types;

export function isEventType(type: string): type is EventType {
  return eventCatalogue.isKnownType(type);
}

export function latestVersion(type: string): number | undefined {
  return eventCatalogue.latestVersion(type);
}

export function aggregateOf(type: EventType): AggregateType {
  return latestEvents[type].aggregate;
}

/** Validates and upcasts one message; malformed ones throw InvalidEventError (send them to the DLQ). */
export function parseEvent(raw: unknown): AnyEventEnvelope {
  return eventCatalogue.parse(raw);
}

export function safeParseEvent(raw: unknown): SafeParseEventResult<AnyEventEnvelope> {
  return eventCatalogue.safeParse(raw);
}

export function parseEventJson(value: string | Uint8Array): AnyEventEnvelope {
  return eventCatalogue.parseJson(value);
}

/** Wraps a decider's event in a validated envelope at the latest version. */
export function createEnvelope<T extends EventType>(
  event: DomainEvent<T>,
  metadata: EnvelopeMetadata,
): AnyEventEnvelope<T> {
  return eventCatalogue.createEnvelope(event, metadata);
}
