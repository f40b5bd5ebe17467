import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PID_FILE, type StackPidFile } from '../src/data-dir.ts';
import { launchStack } from '../src/launch.ts';
import { silentSink } from '../src/output.ts';
import { removeFakes, setup } from './fixtures/launch-setup.ts';
import { leftovers, pidFileOf, spawnLauncher, STOP_SCRIPT, within, type LauncherProcess } from './fixtures/spawn-launcher.ts';

/**
 * A launcher in a process of its own, against stand-in servers and subgraphs (fast): killed with
 * SIGKILL its watchdog stops every child; `npm run stop` stops it from another terminal; a stack
 * whose launcher and watchdog are both gone is named process by process on the next start.
 */

const DRIVER = path.join(import.meta.dirname, 'fixtures', 'launch-driver.ts');
const GRACE_MS = '2000';
const fake = { subgraphs: { order: {}, inventory: {} }, gateway: { supergraphSubgraphs: ['order', 'inventory'] } };
const started: StackPidFile[] = [];

afterEach(() => {
  // Whatever a failed test left: the recorded groups and the reaper.
  for (const file of started.splice(0)) {
    for (const pid of [file.pid, ...file.children.map((c) => -c.pid), file.reaper ?? 0]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});
afterAll(removeFakes);

async function startDriver(): Promise<{ launcher: LauncherProcess; dataDir: string; env: Record<string, string>; file: StackPidFile }> {
  const { root, dataDir, config } = await setup(fake);
  const env = { ...config.baseEnv, STOP_GRACE_MS: GRACE_MS };
  const launcher = await spawnLauncher(DRIVER, [root], env, /^ready$/, 30_000);
  const file = await pidFileOf(dataDir);
  started.push(file);
  expect(file.pid).toBe(launcher.child.pid);
  expect(file.children.map((c) => c.name)).toEqual(expect.arrayContaining(['kafka', 'mongo', 'redis', 'order', 'inventory', 'gateway']));
  expect(file.reaper).toBeGreaterThan(0);
  return { launcher, dataDir, env, file };
}

const run = promisify(execFile);
async function npmRunStop(env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', STOP_SCRIPT], { env, timeout: 30_000 });
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('a launcher that dies or is stopped from elsewhere', () => {
  it('SIGKILL: the watchdog stops every child within seconds and removes the pid file', async () => {
    const { launcher, dataDir, file } = await startDriver();
    const killedAt = Date.now();
    process.kill(launcher.child.pid!, 'SIGKILL');
    const tookMs = await within(10_000, () => leftovers(file).length === 0);
    expect(tookMs, `still running: ${leftovers(file).join(', ')}`).toBeDefined();
    expect(await within(2_000, () => !existsSync(path.join(dataDir, PID_FILE)))).toBeDefined();
    const log = await readFile(path.join(dataDir, 'stack-reaper.log'), 'utf8');
    expect(log).toMatch(/launcher \d+ is gone; stopping kafka/);
    expect(log).toMatch(/done in \d+ ms: 8 stopped, 0 killed/);
    console.log(`fake stack: kill -9 of the launcher -> every child gone in ${Date.now() - killedAt} ms`);
  });

  it('`npm run stop` stops a running stack through its launcher (exit 0), then says nothing runs', async () => {
    const { launcher, dataDir, env, file } = await startDriver();
    const result = await npmRunStop(env);
    expect(result, result.out).toMatchObject({ code: 0 });
    expect(result.out).toMatch(new RegExp(`stopping the stack on .* \\(launcher pid ${file.pid}`));
    expect(result.out).toMatch(/stopped in [\d.]+ s/);
    expect(await launcher.exited).toEqual({ code: 0, signal: null });
    expect(leftovers(file)).toEqual([]);
    expect(existsSync(path.join(dataDir, PID_FILE))).toBe(false);
    const again = await npmRunStop(env);
    expect(again).toEqual({ code: 0, out: `stop: no stack is running on ${dataDir}\n` });
  });

  it('a stale stack (launcher and watchdog gone, children alive) is named on start and stopped by `npm run stop`', async () => {
    const { launcher, dataDir, env, file } = await startDriver();
    process.kill(file.reaper!, 'SIGKILL');
    process.kill(launcher.child.pid!, 'SIGKILL');
    await launcher.exited;
    const config = (await setup(fake, { DATA_DIR: dataDir })).config;
    const refusal = await launchStack({ config, sink: silentSink }).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(refusal).toContain(`its launcher (pid ${file.pid}) is gone but these processes still run`);
    const kafka = file.children.find((c) => c.name === 'kafka')!;
    expect(refusal).toContain(`kafka (pid ${kafka.pid})`);
    expect(refusal).toContain(`DATA_DIR=${dataDir} npm run stop`);

    const result = await npmRunStop(env);
    expect(result, result.out).toMatchObject({ code: 0 });
    expect(result.out).toMatch(/the launcher \(pid \d+\) is gone; stopping what it left running/);
    expect(leftovers(file)).toEqual([]);
    expect(existsSync(path.join(dataDir, PID_FILE))).toBe(false);
  });
});
