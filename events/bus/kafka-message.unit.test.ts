import { describe, expect, it } from 'vitest';
import type { BusEnvelope } from './envelope.ts';
import { parseCatalogueEvent } from './envelope.ts';
import { MalformedMessageError } from './errors.ts';
import { decodeMessageValue, envelopeToMessage, EVENT_HEADERS, headersToStrings } from './kafka-message.ts';
import { DLQ_HEADERS, fromDeadLetter, toDeadLetter } from './dlq.ts';

const envelope: BusEnvelope = {
  id: '7d0c6f8e-2b7a-4d55-9d8e-9f3b1c2a4e10',
  type: 'OrderPlaced',
  version: 3,
  aggregateId: 'order-7',
  aggregateVersion: 1,
  occurredAt: '2026-01-01T00:00:00.000Z',
  correlationId: 'order-7',
  causationId: 'cmd-1',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  actor: { customerId: 'c1', role: 'customer' },
  data: { orderId: 'order-7', customerId: 'c1', items: [{ sku: 'A', quantity: 2 }], idempotencyKey: null, paymentMethod: 'pm_card_ok', placedAt: '2026-01-01T00:00:00.000Z' },
};

/** What a consumer sees: kafkajs hands header values over as Buffers. */
function asReceived(headers: Record<string, string>) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
}

describe('envelope <-> Kafka message', () => {
  it('keys by aggregate id and carries the envelope fields in headers', () => {
    const message = envelopeToMessage(envelope);
    expect(message.key).toBe('order-7');
    expect(message.headers).toEqual({
      [EVENT_HEADERS.eventId]: envelope.id,
      [EVENT_HEADERS.eventType]: 'OrderPlaced',
      [EVENT_HEADERS.eventVersion]: '3',
      [EVENT_HEADERS.aggregateId]: 'order-7',
      [EVENT_HEADERS.correlationId]: 'order-7',
      [EVENT_HEADERS.causationId]: 'cmd-1',
      [EVENT_HEADERS.traceparent]: envelope.traceparent,
      [EVENT_HEADERS.contentType]: 'application/json',
    });
  });

  it('round-trips the envelope through value and headers', () => {
    const message = envelopeToMessage(envelope);
    const decoded = parseCatalogueEvent(decodeMessageValue(Buffer.from(message.value)));
    expect(decoded).toEqual(envelope);
    expect(headersToStrings(asReceived(message.headers))).toEqual(message.headers);
  });

  it('omits traceparent when the envelope has none', () => {
    const message = envelopeToMessage({ ...envelope, traceparent: undefined });
    expect(message.headers).not.toHaveProperty(EVENT_HEADERS.traceparent);
  });

  it('rejects empty values and bad JSON as malformed', () => {
    expect(() => decodeMessageValue(null)).toThrow(MalformedMessageError);
    expect(() => decodeMessageValue(Buffer.from('{not json'))).toThrow(MalformedMessageError);
  });

  it('rejects JSON that is not a catalogue envelope', () => {
    expect(() => parseCatalogueEvent({ id: 'x' })).toThrow();
    expect(() => parseCatalogueEvent({ ...envelope, type: 'NoSuchEvent' })).toThrow();
    expect(() => parseCatalogueEvent({ ...envelope, aggregateVersion: 0 })).toThrow();
  });
});

describe('dead letters', () => {
  it('keep the original key, value and headers and add the failure headers; replay strips them', () => {
    const original = envelopeToMessage(envelope);
    const received = { key: Buffer.from(original.key), value: Buffer.from(original.value), headers: asReceived(original.headers), offset: '41' };
    const parked = toDeadLetter({ topic: 'orders', partition: 2, message: received }, new Error('boom'), 3, new Date('2026-02-02T00:00:00Z'));
    expect(parked.key).toEqual(received.key);
    expect(parked.value).toEqual(received.value);
    expect(headersToStrings(parked.headers)).toEqual({
      ...original.headers,
      [DLQ_HEADERS.error]: 'Error: boom',
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.originalTopic]: 'orders',
      [DLQ_HEADERS.originalPartition]: '2',
      [DLQ_HEADERS.originalOffset]: '41',
      [DLQ_HEADERS.failedAt]: '2026-02-02T00:00:00.000Z',
    });
    const parkedAsReceived = { key: parked.key as Buffer, value: parked.value as Buffer, headers: asReceived(headersToStrings(parked.headers)) };
    const replay = fromDeadLetter(parkedAsReceived);
    expect(replay.topic).toBe('orders');
    expect(headersToStrings(replay.message.headers)).toEqual(original.headers);
    expect(replay.message.value).toEqual(received.value);
  });
});
