import { aggregateOf, type EventType } from './catalogue.ts';
import type { AggregateType } from './definition.ts';

/**
 * One topic per aggregate type; the message key is always the aggregate id so that the events of
 * one aggregate keep their order (architecture invariant 4).
 */
export const TOPICS = {
  order: 'tributary.order',
  inventory: 'tributary.inventory',
  payment: 'tributary.payment',
  notification: 'tributary.notification',
} as const satisfies Record<AggregateType, string>;

export type Topic = (typeof TOPICS)[AggregateType];
export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);

export const DLQ_SUFFIX = '.dlq';
export type DlqTopic<T extends string = string> = `${T}${typeof DLQ_SUFFIX}`;

export function topicForAggregate(aggregate: AggregateType): Topic {
  return TOPICS[aggregate];
}

export function topicForEventType(type: EventType): Topic {
  return TOPICS[aggregateOf(type)];
}

/** Where a consumer parks a message it could not handle after its retries. */
export function dlqTopic<T extends string>(topic: T): DlqTopic<T> {
  if (isDlqTopic(topic)) throw new Error(`${topic} is already a dead-letter topic`);
  return `${topic}${DLQ_SUFFIX}`;
}

export function isDlqTopic(topic: string): boolean {
  return topic.endsWith(DLQ_SUFFIX);
}

/** The topic a parked message came from, for replays. */
export function sourceTopicOfDlq(topic: string): string {
  if (!isDlqTopic(topic)) throw new Error(`${topic} is not a dead-letter topic`);
  return topic.slice(0, -DLQ_SUFFIX.length);
}

/** The Kafka message key of an event. */
export function messageKey(envelope: { aggregateId: string }): string {
  return envelope.aggregateId;
}
