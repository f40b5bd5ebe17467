import { describe, expect, it } from 'vitest';
import { sampleEvents, sampleMetadata } from '../testing/sample-events.ts';
import {
  EVENT_TYPES,
  createEnvelope,
  eventCatalogue,
  latestEvents,
  latestVersion,
  parseEvent,
  parseEventJson,
  safeParseEvent,
  type AnyEventEnvelope,
  type EventType,
} from './catalogue.ts';
import { InvalidEventError, type InvalidEventReason } from './invalid-event-error.ts';

const REQUIRED_TYPES = [
  'OrderPlaced', 'OrderConfirmed', 'OrderCancelled', 'OrderShipped',
  'StockReserved', 'StockRejected', 'StockReleased', 'StockReplenished', 'ProductAdded',
  'StockItemReserved', 'StockItemReleased', 'StockItemShipped',
  'PaymentRequested', 'PaymentAmountDue', 'PaymentAttemptFailed', 'PaymentVoided',
  'PaymentCaptured', 'PaymentDeclined', 'PaymentRefunded', 'NotificationSent',
];

function envelopeOf(type: EventType): AnyEventEnvelope {
  return createEnvelope(sampleEvents[type], sampleMetadata);
}

function expectInvalid(action: () => unknown, reason: InvalidEventReason): InvalidEventError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidEventError);
  expect((caught as InvalidEventError).reason).toBe(reason);
  return caught as InvalidEventError;
}

describe('the catalogue', () => {
  it('defines every event type exactly once', () => {
    expect([...EVENT_TYPES].sort()).toEqual([...REQUIRED_TYPES].sort());
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
  });

  it('knows the latest version of each type and nothing else', () => {
    expect(latestVersion('OrderPlaced')).toBe(3);
    expect(latestVersion('OrderShipped')).toBe(1);
    expect(latestVersion('Nope')).toBeUndefined();
    expect(eventCatalogue.definition('OrderPlaced', 1)?.version).toBe(1);
    expect(eventCatalogue.definition('OrderPlaced', 4)).toBeUndefined();
  });

  it.each(REQUIRED_TYPES as EventType[])('round-trips a %s through createEnvelope and parseEvent', (type) => {
    const envelope = envelopeOf(type);
    expect(envelope.version).toBe(latestEvents[type].version);
    expect(parseEvent(JSON.parse(JSON.stringify(envelope)))).toEqual(envelope);
    expect(parseEventJson(Buffer.from(JSON.stringify(envelope)))).toEqual(envelope);
  });

  it('narrows the parsed envelope by type', () => {
    const parsed = parseEvent(envelopeOf('PaymentCaptured'));
    if (parsed.type !== 'PaymentCaptured') throw new Error('wrong type');
    // Type-level check as much as a runtime one: amount is only on payment events.
    expect(parsed.data.amount.amount).toBe(5998);
  });

  it('strips fields the schema does not know (tolerant reader)', () => {
    const raw = { ...envelopeOf('OrderShipped'), extra: 1 } as Record<string, unknown>;
    raw.data = { ...(raw.data as object), carrier: 'someday' };
    expect(parseEvent(raw)).toEqual(envelopeOf('OrderShipped'));
  });
});

describe('parseEvent on malformed messages', () => {
  it.each([
    ['null', null],
    ['a string', 'OrderPlaced'],
    ['an envelope without id', { ...sampleMetadata, id: undefined, type: 'OrderShipped', version: 1, data: {} }],
  ])('rejects %s as a malformed envelope', (_name, raw) => {
    const error = expectInvalid(() => parseEvent(raw), 'malformed-envelope');
    expect(error.issues.length).toBeGreaterThan(0);
  });

  it('keeps what it could read of a malformed message for the DLQ', () => {
    const error = expectInvalid(() => parseEvent({ id: 'x', type: 'OrderShipped', version: 1 }), 'malformed-envelope');
    expect(error).toMatchObject({ eventId: 'x', eventType: 'OrderShipped', eventVersion: 1 });
    expect(error.issues.map((issue) => issue.path)).toContain('aggregateId');
  });

  it('rejects an unknown type', () => {
    const error = expectInvalid(() => parseEvent({ ...envelopeOf('OrderShipped'), type: 'OrderTeleported' }), 'unknown-type');
    expect(error.eventType).toBe('OrderTeleported');
  });

  it('rejects a version newer than this reader knows', () => {
    const error = expectInvalid(() => parseEvent({ ...envelopeOf('OrderShipped'), version: 2 }), 'unknown-version');
    expect(error.message).toMatch(/newer than this reader/);
  });

  it('rejects data that breaks the schema, naming the field', () => {
    const envelope = envelopeOf('OrderPlaced');
    const raw = { ...envelope, data: { ...envelope.data, items: [{ sku: 'bad sku!', quantity: 0 }] } };
    const error = expectInvalid(() => parseEvent(raw), 'invalid-data');
    expect(error.issues.map((issue) => issue.path)).toEqual(['data.items.0.sku', 'data.items.0.quantity']);
    expect(error.eventId).toBe(sampleMetadata.id);
  });

  it('rejects bytes that are not JSON or not UTF-8', () => {
    expectInvalid(() => parseEventJson('{"id":'), 'malformed-json');
    expectInvalid(() => parseEventJson(new Uint8Array([0xff, 0xfe, 0x7b])), 'malformed-json');
  });

  it('safeParseEvent returns the error instead of throwing', () => {
    const bad = safeParseEvent({});
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.reason).toBe('malformed-envelope');
    const good = safeParseEvent(envelopeOf('OrderShipped'));
    expect(good).toEqual({ ok: true, envelope: envelopeOf('OrderShipped') });
  });
});

describe('createEnvelope', () => {
  it('refuses data that breaks the latest schema', () => {
    const event = { type: 'OrderShipped', data: { orderId: 'o-1' } } as unknown as Parameters<typeof createEnvelope>[0];
    const error = expectInvalid(() => createEnvelope(event, sampleMetadata), 'invalid-data');
    expect(error.issues[0]?.path).toBe('data.shippedAt');
  });

  it('refuses metadata that breaks the envelope schema', () => {
    expectInvalid(() => createEnvelope(sampleEvents.OrderShipped, { ...sampleMetadata, id: 'nope' }), 'malformed-envelope');
  });
});
