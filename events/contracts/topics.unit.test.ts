import { describe, expect, it } from 'vitest';
import { sampleEvents, sampleMetadata } from '../testing/sample-events.ts';
import { EVENT_TYPES, createEnvelope, type EventType } from './catalogue.ts';
import {
  ALL_TOPICS,
  TOPICS,
  dlqTopic,
  isDlqTopic,
  messageKey,
  sourceTopicOfDlq,
  topicForAggregate,
  topicForEventType,
} from './topics.ts';

const expected: Record<EventType, string> = {
  OrderPlaced: 'tributary.order',
  OrderConfirmed: 'tributary.order',
  OrderCancelled: 'tributary.order',
  OrderShipped: 'tributary.order',
  ProductAdded: 'tributary.inventory',
  StockReplenished: 'tributary.inventory',
  StockReserved: 'tributary.inventory',
  StockRejected: 'tributary.inventory',
  StockReleased: 'tributary.inventory',
  StockItemReserved: 'tributary.inventory',
  StockItemReleased: 'tributary.inventory',
  StockItemShipped: 'tributary.inventory',
  PaymentRequested: 'tributary.payment',
  PaymentAmountDue: 'tributary.payment',
  PaymentAttemptFailed: 'tributary.payment',
  PaymentVoided: 'tributary.payment',
  PaymentCaptured: 'tributary.payment',
  PaymentDeclined: 'tributary.payment',
  PaymentRefunded: 'tributary.payment',
  NotificationSent: 'tributary.notification',
};

describe('topics', () => {
  it.each(EVENT_TYPES)('routes %s to its aggregate topic', (type) => {
    expect(topicForEventType(type)).toBe(expected[type]);
  });

  it('has one topic per aggregate type', () => {
    expect(ALL_TOPICS).toEqual(['tributary.order', 'tributary.inventory', 'tributary.payment', 'tributary.notification']);
    expect(topicForAggregate('payment')).toBe(TOPICS.payment);
  });

  it('names dead-letter topics and back', () => {
    expect(dlqTopic('tributary.order')).toBe('tributary.order.dlq');
    expect(isDlqTopic('tributary.order.dlq')).toBe(true);
    expect(isDlqTopic('tributary.order')).toBe(false);
    expect(sourceTopicOfDlq('tributary.order.dlq')).toBe('tributary.order');
    expect(() => dlqTopic('tributary.order.dlq')).toThrow();
    expect(() => sourceTopicOfDlq('tributary.order')).toThrow();
  });

  it('keys messages by aggregate id', () => {
    const envelope = createEnvelope(sampleEvents.StockReserved, { ...sampleMetadata, aggregateId: 'order-42' });
    expect(messageKey(envelope)).toBe('order-42');
  });
});
