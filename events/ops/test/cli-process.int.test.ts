import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEventStore } from '@tributary/bus';
import { TOPICS } from '@tributary/contracts';
import { startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderStream, parkThroughConsumer } from './ops-fixtures.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let infra: TestInfrastructure;
let emptyDataDir: string;
/** A DATA_DIR with the pid file a running launcher writes: how the tools find a stack by default. */
let stackDataDir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a CLI as an operator's CI job would: piped stdio (no TTY), its own environment. */
function cli(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', `events/ops/${script}`, ...args],
      { cwd: repoRoot, timeout: 90_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: emptyDataDir, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Each test starts 3-4 processes; tsx's cold start alone takes seconds on a busy 2-core machine. */
const CLI_TEST_TIMEOUT_MS = 180_000;

const servers = () => ({ KAFKA_BROKERS: infra.kafkaAddress, MONGO_URL: infra.mongoUri });

beforeAll(async () => {
  infra = await startInfrastructure();
  emptyDataDir = await mkdtemp(path.join(os.tmpdir(), 'ops-no-stack-'));
  stackDataDir = await mkdtemp(path.join(os.tmpdir(), 'ops-stack-'));
  // The launcher's pid is this (live) test process: what matters is that the file names a live one.
  const addresses = { kafkaBrokers: [infra.kafkaAddress], mongoUrl: infra.mongoUri, redisUrl: 'redis://127.0.0.1:1' };
  await writeFile(path.join(stackDataDir, 'stack.pid'), JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), children: [], addresses }));
  const events = orderStream('order-cli-1', 'carol', 'OrderConfirmed');
  await parkThroughConsumer(infra, TOPICS.order, events, events[1]!.id);
  const connection = await infra.connect('tributary_order');
  const store = createEventStore({ connection, aggregateType: 'order' });
  await store.init();
  for (const event of events) await store.append(event.aggregateId, event.aggregateVersion - 1, [event]);
});

afterAll(async () => {
  await infra?.stop();
  for (const dir of [emptyDataDir, stackDataDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the operator CLIs as processes, without a TTY', () => {
  it('dlq list, show and replay: tables on stdout, plain progress lines on stderr', async () => {
    // Found through DATA_DIR/stack.pid, no variables set.
    const listed = await cli('dlq-cli.ts', ['list'], { DATA_DIR: stackDataDir });
    expect(listed).toMatchObject({ code: 0 });
    const id = /^(tributary\.order\.dlq\/\d+\/\d+)\s/m.exec(listed.stdout)?.[1];
    expect(id, listed.stdout).toBeDefined();
    expect(listed.stdout).toMatch(/^ID\s+EVENT TYPE\s+EVENT ID/);
    expect(listed.stdout).toContain('OrderConfirmed');
    expect(listed.stderr).toMatch(/^dlq list: 1\/1 messages \(100%\)$/m);
    // eslint-disable-next-line no-control-regex
    expect(listed.stderr + listed.stdout).not.toMatch(/[\r\x1b]/);

    const shown = await cli('dlq-cli.ts', ['show', '--id', id!, '--json'], servers());
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, eventType: 'OrderConfirmed', aggregateId: 'order-cli-1', replayed: false });

    const replayed = await cli('dlq-cli.ts', ['replay', '--id', id!], servers());
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain(`${id}  OrderConfirmed`);
    expect(replayed.stdout).toContain('1 message(s) replayed, 0 skipped');
    const after = await cli('dlq-cli.ts', ['list', '--json'], servers());
    expect(JSON.parse(after.stdout)).toEqual([expect.objectContaining({ id, replayed: true })]);
  }, CLI_TEST_TIMEOUT_MS);

  it('exits non-zero with one clear line on errors', async () => {
    const unknown = await cli('dlq-cli.ts', ['replay', '--id', 'tributary.order.dlq/0/999'], servers());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^dlq replay: no parked message tributary\.order\.dlq\/0\/999: /);
    expect(unknown.stdout).toBe('');

    const noStack = await cli('dlq-cli.ts', ['list'], {});
    expect(noStack.code).toBe(1);
    expect(noStack.stderr).toContain(`no running stack found on ${emptyDataDir}`);
    expect(noStack.stderr).toContain('KAFKA_BROKERS=');

    const badService = await cli('rebuild-cli.ts', ['shipping'], servers());
    expect(badService.code).toBe(1);
    expect(badService.stderr).toContain('unknown service "shipping"; valid services: order, inventory, payment, notification');
  }, CLI_TEST_TIMEOUT_MS);

  it('rebuild prints counts and checksums per projection', async () => {
    const dry = await cli('rebuild-cli.ts', ['order', 'orders', '--dry-run', '--json'], servers());
    expect(dry.code, dry.stderr).toBe(0);
    const [result] = JSON.parse(dry.stdout) as { after: { count: number; sha256: string }; dryRun: boolean }[];
    expect(result).toMatchObject({ service: 'order', projection: 'orders', dryRun: true, before: { count: 0 }, after: { count: 1 } });
    expect(result!.after.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(dry.stderr).toMatch(/^rebuild order\/orders: 2\/2 events \(100%\)$/m);

    const real = await cli('rebuild-cli.ts', ['order'], servers());
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(/^PROJECTION\s+EVENTS/);
    expect(real.stdout).toContain(`order/orders`);
    expect(real.stdout).toContain(result!.after.sha256);
    expect(real.stdout).toMatch(/orders\.before-rebuild-\d{8}T\d{9}Z/);
  }, CLI_TEST_TIMEOUT_MS);
});
