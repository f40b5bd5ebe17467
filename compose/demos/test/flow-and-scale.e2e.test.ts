import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm run demo:flow` and `npm run demo:scale` as CI runs them: child processes with pipes (no
 * TTY), each starting its own stack. DATA_DIR points at an empty directory, so the flow demo
 * cannot pick up a developer's running stack. The tables on stdout are read back and checked.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(file: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX_CLI, path.join(ROOT, 'compose/demos', file), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The rows of the table printed under the line starting with `title` (header, dashed rule, rows up to a blank line). */
function tableRows(text: string, title: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(title));
  if (start < 0) return [];
  const rows: string[][] = [];
  // start + 1 is the header, start + 2 the dashed rule under it.
  for (const line of lines.slice(start + 3)) {
    if (line.trim() === '' || line.startsWith('note:')) break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-demo-test-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('demos without a TTY', () => {
  it('demo:flow takes one order down each saga path and prints its timeline across services', { timeout: 240_000 }, async () => {
    const run = await runDemo('flow.ts', ['--timeout', '120'], { DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/placing 4 orders/);

    const summary = tableRows(run.stdout, 'summary');
    const byPath = new Map(summary.filter((row) => row.length >= 8).map((row) => [row[0], row]));
    expect([...byPath.keys()].sort()).toEqual(['cancelled-after-confirmation', 'confirmed', 'declined', 'out-of-stock']);
    expect(byPath.get('confirmed')![2]).toBe('CONFIRMED');
    for (const path of ['out-of-stock', 'declined', 'cancelled-after-confirmation']) expect(byPath.get(path)![2]).toBe('CANCELLED');
    for (const row of byPath.values()) {
      expect(row[7]).toBe('ok');
      // Every order's events come from all four services' stores.
      expect(row[4]).toBe('4');
    }

    // Each path's timeline: the events that tell it apart, with their topic and partition/offset.
    const timelines = run.stdout.split('\norder ').slice(1);
    const timelineOf = (path: string) => timelines.find((text) => text.includes(`· path ${path} ·`)) ?? '';
    expect(timelineOf('confirmed')).toMatch(/order\s+OrderConfirmed\s+tributary\.order\s+\d+\/\d+/);
    expect(timelineOf('out-of-stock')).toMatch(/inventory\s+StockRejected\s+tributary\.inventory/);
    expect(timelineOf('out-of-stock')).toMatch(/OrderCancelled.*OUT_OF_STOCK/);
    expect(timelineOf('declined')).toMatch(/payment\s+PaymentDeclined\s+tributary\.payment/);
    expect(timelineOf('declined')).toMatch(/inventory\s+StockReleased/);
    expect(timelineOf('cancelled-after-confirmation')).toMatch(/payment\s+PaymentRefunded/);
    expect(timelineOf('cancelled-after-confirmation')).toMatch(/notification\s+NotificationSent.*payment-refunded/);

    const notifications = tableRows(run.stdout, 'notifications sent').filter((row) => row.length === 6);
    expect(notifications.filter((row) => row[0] === 'cancelled-after-confirmation').map((row) => row[2]).sort()).toEqual([
      'ORDER_CANCELLED',
      'ORDER_CONFIRMED',
      'PAYMENT_REFUNDED',
    ]);
  });

  it('demo:scale measures 1 and 3 inventory replicas, survives a killed one, and keeps every invariant', { timeout: 300_000 }, async () => {
    const orders = 10;
    const run = await runDemo('scale.ts', ['--orders', String(orders), '--in-flight', '5', '--timeout', '280'], { DATA_DIR: dataDir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/added inventory-3/);

    const partitions = tableRows(run.stdout, 'topics read by inventory');
    expect(partitions.map((row) => row[0]).sort()).toEqual(['tributary.inventory', 'tributary.order']);
    for (const row of partitions) expect(Number(row[1])).toBeGreaterThanOrEqual(3);

    const phases = tableRows(run.stdout, 'throughput (');
    expect(phases.map((row) => row[1])).toEqual(['1', '3', '2']);
    expect(phases[1]![2]).toMatch(/inventory=\d+ inventory-2=\d+ inventory-3=\d+/);
    expect(phases[2]![2]).not.toMatch(/inventory-3/);
    for (const row of phases) {
      expect(Number(row[3])).toBe(orders);
      expect(Number(row[4])).toBe(orders);
      expect(Number(row[6])).toBeGreaterThan(0);
    }

    // Both order replicas served requests through the gateway.
    const served = tableRows(run.stdout, 'requests served per order replica');
    expect(served.map((row) => row[0])).toEqual(['order', 'order-2']);
    for (const row of served) expect(Number(row[2])).toBeGreaterThan(0);

    const invariants = tableRows(run.stdout, 'invariants (');
    expect(invariants.length).toBeGreaterThanOrEqual(5);
    for (const row of invariants) expect(row[1], row.join(' | ')).toBe('yes');
  });
});
