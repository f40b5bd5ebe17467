import { makeEnvelope, sampleEvents } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import { formatParkedId, parseParkedId, UnknownParkedMessageError } from '../dlq/parked-id.ts';
import { createProgress } from '../progress.ts';
import { canonicalJson } from '../rebuild/canonical-json.ts';
import { foldEvent, RebuildGapError } from '../rebuild/fold.ts';
import { collectionStamp } from '../rebuild/rebuild-projection.ts';
import { orderProjection } from '../../../subgraphs/order/src/projections/order-view.ts';
import type { StreamView } from '@tributary/service';

describe('parked message ids', () => {
  it('round-trip topic, partition and offset, and refuse anything else', () => {
    const id = parseParkedId('tributary.order.dlq/3/12');
    expect(id).toEqual({ topic: 'tributary.order.dlq', partition: 3, offset: 12n });
    expect(formatParkedId(id)).toBe('tributary.order.dlq/3/12');
    for (const bad of ['tributary.order/0/1', 'tributary.order.dlq/0', 'tributary.order.dlq/x/1', '']) {
      expect(() => parseParkedId(bad)).toThrow(UnknownParkedMessageError);
    }
  });
});

describe('canonicalJson', () => {
  it('is independent of key order and spells out dates', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    expect(canonicalJson({ b: 1, a: [at, null, { d: 'x', c: true }] })).toBe('{"a":[{"$date":"2026-01-01T00:00:00.000Z"},null,{"c":true,"d":"x"}],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});

describe('foldEvent', () => {
  const placed = makeEnvelope(sampleEvents.OrderPlaced, { aggregateId: 'o-1', aggregateVersion: 1 });
  const confirmed = makeEnvelope(sampleEvents.OrderConfirmed, { aggregateId: 'o-1', aggregateVersion: 2 });

  it('applies in order, skips redeliveries and other projections’ events', () => {
    const views = new Map<string, StreamView>();
    expect(foldEvent(views, orderProjection, placed)).toBe('applied');
    expect(foldEvent(views, orderProjection, placed)).toBe('duplicate');
    expect(foldEvent(views, orderProjection, confirmed)).toBe('applied');
    expect(foldEvent(views, orderProjection, makeEnvelope(sampleEvents.ProductAdded, { aggregateId: 'SKU-1' }))).toBe('ignored');
    expect(views.get('o-1')).toMatchObject({ status: 'CONFIRMED', version: 2 });
  });

  it('fails on a missing event instead of writing a document the projector never could', () => {
    expect(() => foldEvent(new Map(), orderProjection, confirmed)).toThrow(RebuildGapError);
  });
});

describe('progress and names', () => {
  it('prints plain periodic lines when stderr is not a terminal', () => {
    const lines: string[] = [];
    let clock = 0;
    const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
    const progress = createProgress({ label: 'rebuild order/orders', total: 5000, unit: 'events', stream, intervalMs: 1000, now: () => clock });
    progress.advance(1200);
    clock = 1000;
    progress.advance(0);
    clock = 1500;
    progress.advance(100);
    progress.setTotal(5000);
    clock = 2000;
    progress.advance(3700);
    progress.finish();
    expect(lines).toEqual(['rebuild order/orders: 1200/5000 events (24%)\n', 'rebuild order/orders: 5000/5000 events (100%)\n', 'rebuild order/orders: 5000/5000 events (100%)\n']);
  });

  it('stamps collection names sortably', () => {
    expect(collectionStamp(new Date('2026-11-26T03:35:00.123Z'))).toBe('20261126T033500123Z');
  });
});
