import { describe, expect, it } from 'vitest';
import type { SpanRecord } from './span-record.ts';
import { renderWaterfall } from './waterfall.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function span(spanId: string, parentSpanId: string | undefined, service: string, name: string, startMs: number, durationMs: number, extra: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: TRACE,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    service,
    name,
    kind: 'INTERNAL',
    startMs: 1_700_000_000_000 + startMs,
    durationMs,
    status: 'UNSET',
    attributes: {},
    ...extra,
  };
}

// Out of order on purpose: the files hold spans in the order they ended.
const sample: SpanRecord[] = [
  span('c1', 'p1', 'inventory', 'process OrderPlaced', 60, 30, { kind: 'CONSUMER', attributes: { 'messaging.consumer.group.name': 'inventory.reservations' } }),
  span('a1', 'r1', 'order', 'append OrderPlaced', 20, 10),
  span('g1', undefined, 'gateway', 'POST', 0, 50, { kind: 'SERVER', attributes: { 'url.path': '/graphql' } }),
  span('r1', 'g1', 'order', 'graphql.resolve placeOrder', 10, 25),
  span('p1', 'a1', 'order', 'publish OrderPlaced', 40, 10, { kind: 'PRODUCER' }),
  span('c2', 'p1', 'payment', 'process OrderPlaced', 55, 45, { kind: 'CONSUMER', status: 'ERROR', statusMessage: 'provider unavailable', attributes: { 'messaging.consumer.group.name': 'payment.order-reactions' } }),
];

describe('renderWaterfall', () => {
  it('prints a header, then one line per span: indented under its parent, children by start time', () => {
    const lines = renderWaterfall(sample, { barWidth: 10 });
    expect(lines[0]).toBe(`trace ${TRACE} · 6 spans · gateway, order, payment, inventory · 100 ms`);
    expect(lines[1]).toMatch(/^service\s+span\s+start ms\s+dur ms\s+status$/);
    const rows = lines.slice(2).map((line) => line.split(/\s{2,}/));
    expect(rows.map(([service, name]) => `${service}|${name}`)).toEqual([
      'gateway|POST /graphql',
      'order|graphql.resolve placeOrder',
      'order|append OrderPlaced',
      'order|publish OrderPlaced',
      'payment|process OrderPlaced [payment.order-reactions]',
      'inventory|process OrderPlaced [inventory.reservations]',
    ]);
    // Two spaces of indentation per level.
    expect(lines[5]).toContain('      publish OrderPlaced');
    expect(lines[6]).toContain('        process OrderPlaced [payment');
  });

  it('gives each span its start offset, duration, status and a bar on the trace timeline', () => {
    const lines = renderWaterfall(sample, { barWidth: 10 });
    const gateway = lines[2]!;
    expect(gateway).toMatch(/POST \/graphql\s+0\.0\s+50\.0\s+ok\s+█████$/);
    const payment = lines[6]!;
    // Starts at 55 of 100 ms: the bar starts at column 5 of 10 and fills the rest.
    expect(payment).toMatch(/55\.0\s+45\.0\s+ERROR\s+ {5}█{5}\s+provider unavailable$/);
    const inventory = lines[7]!;
    expect(inventory).toMatch(/60\.0\s+30\.0\s+ok\s+ {6}█{3}$/);
  });

  it('shows a span whose parent is missing as a root at its place in time', () => {
    const orphan = span('x1', 'not-exported', 'notification', 'process OrderConfirmed', 70, 5);
    const lines = renderWaterfall([...sample, orphan], { barWidth: 10 });
    expect(lines.at(-1)).toMatch(/^notification\s+process OrderConfirmed\s+70\.0/);
  });

  it('cuts long names and prints nothing for no spans', () => {
    const long = span('l1', undefined, 'order', `graphql.resolve ${'x'.repeat(100)}`, 0, 1);
    const [, , row] = renderWaterfall([long], { maxNameWidth: 30 });
    expect(row).toContain(`graphql.resolve ${'x'.repeat(13)}…`);
    expect(renderWaterfall([])).toEqual([]);
  });
});
