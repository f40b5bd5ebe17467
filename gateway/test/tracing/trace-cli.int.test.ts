import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SpanRecord } from '@tributary/telemetry/tracing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.resolve(here, '../../../node_modules/.bin/tsx');
const script = path.resolve(here, '../../scripts/trace.ts');

const ORDER = 'c0ffee00-0000-4000-8000-000000000001';
const T1 = 'a'.repeat(32);
const T2 = 'b'.repeat(32);
const OTHER = 'c'.repeat(32);

function span(traceId: string, spanId: string, parentSpanId: string | undefined, service: string, name: string, startMs: number, extra: Partial<SpanRecord> = {}): SpanRecord {
  return { traceId, spanId, ...(parentSpanId ? { parentSpanId } : {}), service, name, kind: 'INTERNAL', startMs: 1_800_000_000_000 + startMs, durationMs: 5, status: 'UNSET', attributes: {}, ...extra };
}

const tagged = { attributes: { 'tributary.order_id': ORDER } };
const files: Record<string, SpanRecord[]> = {
  'gateway.jsonl': [span(T1, 'g1', undefined, 'gateway', 'POST', 0, { kind: 'SERVER' }), span(OTHER, 'x1', undefined, 'gateway', 'POST', 1)],
  'order.jsonl': [span(T1, 'o1', 'g1', 'order', 'append OrderPlaced', 2, tagged)],
  // A deadline scan's trace: found by the order id, linked to the order's.
  'order.old.jsonl': [span(T2, 'o2', undefined, 'order', 'append OrderCancelled', 500, { ...tagged, links: [{ traceId: T1, spanId: 'o1' }] })],
  'inventory.jsonl': [span(T2, 'i1', 'o2', 'inventory', 'process OrderCancelled', 510, { kind: 'CONSUMER' }), span(T1, 'i0', 'o1', 'inventory', 'process OrderPlaced', 10, { kind: 'CONSUMER' })],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-trace-cli-'));
  for (const [name, spans] of Object.entries(files)) {
    await writeFile(path.join(dir, name), `${spans.map((record) => JSON.stringify(record)).join('\n')}\n{"torn line\n`);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function trace(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [script, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('npm run trace', () => {
  it("prints every trace of the order from every service's file, oldest first", async () => {
    const { code, stdout } = await trace(['--order', ORDER, '--dir', dir]);
    expect(code).toBe(0);
    const [first, second] = stdout.trim().split('\n\n');
    expect(first!.split('\n')[0]).toBe(`trace ${T1} · 3 spans · gateway, order, inventory · 15.0 ms`);
    expect(first).toMatch(/gateway\s+POST\s+0\.0/);
    expect(first).toMatch(/order\s+ {2}append OrderPlaced\s+2\.0/);
    expect(first).toMatch(/inventory\s+ {4}process OrderPlaced\s+10\.0/);
    expect(second!.split('\n')[0]).toContain(`trace ${T2} · 2 spans · order, inventory`);
    expect(second).toContain(`(continues trace ${T1})`);
    expect(stdout).not.toContain(OTHER);
  });

  it('prints one trace by its id', async () => {
    const { code, stdout } = await trace(['--trace', OTHER, '--dir', dir]);
    expect(code).toBe(0);
    expect(stdout).toContain(`trace ${OTHER} · 1 span · gateway`);
  });

  it('says what is missing', async () => {
    expect(await trace(['--order', 'nope', '--dir', dir])).toMatchObject({ code: 1, stderr: expect.stringContaining('no spans of order nope') });
    expect(await trace(['--order', ORDER, '--dir', path.join(dir, 'absent')])).toMatchObject({ code: 1, stderr: expect.stringContaining('no trace files') });
    expect(await trace(['--dir', dir])).toMatchObject({ code: 2, stderr: expect.stringContaining('--order') });
  });
});
