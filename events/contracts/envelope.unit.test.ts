import { describe, expect, it } from 'vitest';
import { buildEnvelope, envelopeSchema, traceparentSchema, type EnvelopeMetadata } from './envelope.ts';

const metadata: EnvelopeMetadata = {
  id: '6f1c2d4e-8a3b-4c5d-9e6f-1a2b3c4d5e6f',
  aggregateId: 'order-1',
  aggregateVersion: 1,
  occurredAt: '2026-03-01T10:00:00.000Z',
  correlationId: 'order-1',
  causationId: 'command-1',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  actor: { customerId: 'c-1', role: 'customer' },
};

describe('buildEnvelope', () => {
  it('wraps the event with the given metadata and nothing else', () => {
    const noisy = { ...metadata, secret: 'must not leak' } as EnvelopeMetadata;
    const envelope = buildEnvelope({ type: 'OrderShipped', version: 1, data: { orderId: 'order-1' } }, noisy);
    expect(envelope).toEqual({ ...metadata, type: 'OrderShipped', version: 1, data: { orderId: 'order-1' } });
    expect(envelopeSchema.parse(envelope)).toEqual(envelope);
  });

  it('omits traceparent when there is none', () => {
    const { traceparent: _ignored, ...withoutTrace } = metadata;
    const envelope = buildEnvelope({ type: 'X', version: 1, data: null }, withoutTrace);
    expect('traceparent' in envelope).toBe(false);
    expect(envelopeSchema.safeParse(envelope).success).toBe(true);
  });
});

describe('envelopeSchema', () => {
  const valid = { ...metadata, type: 'OrderShipped', version: 1, data: {} };

  it.each([
    ['id is not a uuid', { id: 'not-a-uuid' }, 'id'],
    ['version is 0', { version: 0 }, 'version'],
    ['version is fractional', { version: 1.5 }, 'version'],
    ['aggregateVersion is 0', { aggregateVersion: 0 }, 'aggregateVersion'],
    ['occurredAt is not ISO', { occurredAt: 'yesterday' }, 'occurredAt'],
    ['correlationId is empty', { correlationId: '' }, 'correlationId'],
    ['actor has an unknown role', { actor: { customerId: 'c', role: 'root' } }, 'actor'],
    ['traceparent is not W3C', { traceparent: 'abc' }, 'traceparent'],
  ])('rejects an envelope whose %s', (_name, override, path) => {
    const result = envelopeSchema.safeParse({ ...valid, ...override });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(path);
  });

  it('accepts timestamps with an offset', () => {
    expect(envelopeSchema.safeParse({ ...valid, occurredAt: '2026-03-01T10:00:00+02:00' }).success).toBe(true);
  });
});

describe('traceparentSchema', () => {
  it('rejects version ff and all-zero ids', () => {
    expect(traceparentSchema.safeParse('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01').success).toBe(false);
    expect(traceparentSchema.safeParse('00-00000000000000000000000000000000-00f067aa0ba902b7-01').success).toBe(false);
    expect(traceparentSchema.safeParse('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01').success).toBe(false);
    expect(traceparentSchema.safeParse(metadata.traceparent).success).toBe(true);
  });
});
