import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { sampleMetadata } from '../testing/sample-events.ts';
import { parseEvent } from './catalogue.ts';
import { createEventCatalogue } from './create-catalogue.ts';
import { defineEvent } from './definition.ts';
import { buildEnvelope } from './envelope.ts';
import { InvalidEventError } from './invalid-event-error.ts';
import { orderCancelledV1, orderCancelledV2, orderPlacedV1, orderPlacedV2, orderPlacedV3 } from './order.ts';
import { createUpcasterRegistry, defineUpcaster, orderPlacedV1ToV2 } from './upcasters.ts';

const storedV1 = buildEnvelope(
  {
    type: 'OrderPlaced',
    version: 1,
    data: { orderId: 'o-1', customerId: 'c-1', items: [{ sku: 'A', quantity: 1 }], placedAt: '2025-01-01T00:00:00.000Z' },
  },
  sampleMetadata,
);

describe('OrderPlaced v1 -> v2 -> v3', () => {
  it('reads a stored v1 event as v3 with idempotencyKey null and the default payment method', () => {
    expect(orderPlacedV1.schema.safeParse(storedV1.data).success).toBe(true);
    const read = parseEvent(JSON.parse(JSON.stringify(storedV1)));
    expect(read).toEqual({ ...storedV1, version: 3, data: { ...storedV1.data, idempotencyKey: null, paymentMethod: 'pm_card_ok' } });
    expect(orderPlacedV3.schema.safeParse(read.data).success).toBe(true);
  });

  it('reads a stored v2 event as v3, keeping its key', () => {
    const storedV2 = { ...storedV1, version: 2, data: { ...storedV1.data, idempotencyKey: 'k-9' } };
    expect(orderPlacedV2.schema.safeParse(storedV2.data).success).toBe(true);
    expect(parseEvent(storedV2).data).toEqual({ ...storedV2.data, paymentMethod: 'pm_card_ok' });
  });

  it('keeps both published schemas: v1 has no key, v2 requires one', () => {
    expect(orderPlacedV1.schema.safeParse({ ...storedV1.data, idempotencyKey: null }).data).toEqual(storedV1.data);
    expect(orderPlacedV2.schema.safeParse(storedV1.data).success).toBe(false);
  });

  it('validates v1 data before upcasting it', () => {
    const broken = { ...storedV1, data: { ...storedV1.data, items: [] } };
    expect(() => parseEvent(broken)).toThrow(InvalidEventError);
  });

  it('documents why it exists', () => {
    expect(orderPlacedV1ToV2.reason).toMatch(/idempotencyKey/);
  });
});

describe('OrderCancelled v1 -> v2', () => {
  const storedV1Cancel = buildEnvelope(
    {
      type: 'OrderCancelled',
      version: 1,
      data: {
        orderId: 'o-1',
        reason: 'cancelled at the customer’s request',
        cancelledBy: { customerId: 'c-1', role: 'customer' },
        previousStatus: 'PENDING',
        cancelledAt: '2025-01-01T00:00:00.000Z',
      },
    },
    sampleMetadata,
  );

  it('reads v1 free text as CUSTOMER_REQUEST with the text as detail', () => {
    expect(orderCancelledV1.schema.safeParse(storedV1Cancel.data).success).toBe(true);
    const read = parseEvent(JSON.parse(JSON.stringify(storedV1Cancel)));
    expect(read.version).toBe(2);
    expect(read.data).toEqual({ ...storedV1Cancel.data, reason: 'CUSTOMER_REQUEST', detail: 'cancelled at the customer’s request' });
    expect(orderCancelledV2.schema.safeParse(read.data).success).toBe(true);
  });
});

describe('the upcasting mechanism', () => {
  const v1 = defineEvent({ type: 'Thing', version: 1, aggregate: 'order', schema: z.object({ name: z.string() }) });
  const v2 = defineEvent({
    type: 'Thing',
    version: 2,
    aggregate: 'order',
    schema: z.object({ name: z.string(), size: z.int() }),
  });
  const v3 = defineEvent({
    type: 'Thing',
    version: 3,
    aggregate: 'order',
    schema: z.object({ title: z.string(), size: z.int() }),
  });
  const oneToTwo = defineUpcaster({ from: v1, to: v2, reason: 'size added', upcast: (data) => ({ ...data, size: 0 }) });
  const twoToThree = defineUpcaster({
    from: v2,
    to: v3,
    reason: 'name renamed to title',
    upcast: ({ name, size }) => ({ title: name, size }),
  });
  const thing = (version: number, data: unknown) => buildEnvelope({ type: 'Thing', version, data }, sampleMetadata);

  it('applies upcasters in a chain up to the latest version', () => {
    const catalogue = createEventCatalogue({ latest: { Thing: v3 }, superseded: [v1, v2], upcasters: [twoToThree, oneToTwo] });
    expect(catalogue.parse(thing(1, { name: 'kettle' }))).toMatchObject({ version: 3, data: { title: 'kettle', size: 0 } });
    expect(catalogue.parse(thing(2, { name: 'kettle', size: 4 }))).toMatchObject({ version: 3, data: { title: 'kettle', size: 4 } });
    expect(catalogue.parse(thing(3, { title: 'kettle', size: 4 }))).toMatchObject({ version: 3 });
  });

  it('refuses to load a catalogue with a gap in a chain', () => {
    expect(() => createEventCatalogue({ latest: { Thing: v3 }, superseded: [v1, v2], upcasters: [oneToTwo] })).toThrow(
      /cannot be upcast/,
    );
  });

  it('refuses upcasters that skip a version, change the type or are registered twice', () => {
    expect(() => defineUpcaster({ from: v1, to: v3, reason: 'skip', upcast: () => ({ title: '', size: 0 }) })).toThrow();
    const other = defineEvent({ type: 'Other', version: 2, aggregate: 'order', schema: z.object({}) });
    expect(() => defineUpcaster({ from: v1, to: other, reason: 'type change', upcast: () => ({}) })).toThrow();
    expect(() => createUpcasterRegistry([oneToTwo, oneToTwo])).toThrow(/two upcasters/);
  });

  it('reports an upcaster that produces invalid data as upcast-failed', () => {
    const buggy = defineUpcaster({ from: v1, to: v2, reason: 'bug', upcast: (data) => ({ ...data, size: 'big' as unknown as number }) });
    const catalogue = createEventCatalogue({ latest: { Thing: v2 }, superseded: [v1], upcasters: [buggy] });
    const error = catalogue.safeParse(thing(1, { name: 'kettle' }));
    expect(error.ok).toBe(false);
    if (!error.ok) {
      expect(error.error.reason).toBe('upcast-failed');
      expect(error.error.issues[0]?.path).toBe('data.size');
    }
  });

  it('reports an upcaster that throws as upcast-failed', () => {
    const throwing = defineUpcaster({
      from: v1,
      to: v2,
      reason: 'bug',
      upcast: () => {
        throw new Error('boom');
      },
    });
    const registry = createUpcasterRegistry([throwing]);
    expect(() => registry.upcastTo(thing(1, { name: 'x' }), 2)).toThrow(/threw/);
  });
});
