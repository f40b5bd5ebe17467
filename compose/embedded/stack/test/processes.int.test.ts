import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ChildStartError, processGroupAlive, startChild, type ChildSpec } from '../src/processes.ts';

const FAKE = fileURLToPath(new URL('./fixtures/fake-child.ts', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function spec(env: Record<string, string>, extra: Partial<ChildSpec> = {}): ChildSpec {
  const lines: string[] = [];
  return {
    name: 'fake',
    entry: FAKE,
    args: ['--port', '1'],
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...env },
    readyPattern: /ready on port (\d+)/,
    readyTimeoutMs: 15_000,
    sink: (_name, stream, line) => lines.push(`${stream}:${line}`),
    ...extra,
  };
}

/** A killed process stays visible until init reaps it; give that a bounded moment. */
async function gone(pid: number, check: (pid: number) => boolean = alive): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    if (!check(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('startChild', () => {
  it('resolves with the readiness line, passes every output line on, and stops on SIGTERM', async () => {
    const lines: string[] = [];
    const child = startChild(
      spec({ FAKE_READY_LINE: 'ready on port 4242', FAKE_READY_DELAY_MS: '50' }, {
        sink: (name, stream, line) => lines.push(`${name}/${stream}:${line}`),
      }),
    );
    const match = await child.ready;
    expect(match?.[1]).toBe('4242');
    expect(lines).toContain('fake/stderr:starting --port 1');
    const exit = await child.stop(5000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines).toContain('fake/stdout:stopping on SIGTERM');
    expect(await gone(child.pid, processGroupAlive)).toBe(true);
  });

  it('rejects with the last output lines when the child exits before it is ready', async () => {
    const child = startChild(spec({ FAKE_CRASH_CODE: '3' }));
    const error = await child.ready.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ChildStartError);
    expect((error as ChildStartError).message).toContain('exited with code 3');
    expect((error as ChildStartError).lastLines).toContain('fatal: cannot continue');
    expect(child.hasExited()).toBe(true);
  });

  it('rejects when the readiness line does not come in time', async () => {
    const child = startChild(spec({}, { readyTimeoutMs: 300 }));
    await expect(child.ready).rejects.toThrow(/not ready within 300 ms/);
    await child.stop(5000);
    expect(await gone(child.pid)).toBe(true);
  });

  it('escalates to SIGKILL after the grace period and takes the whole process group down', async () => {
    const lines: string[] = [];
    const child = startChild(
      spec({ FAKE_READY_LINE: 'ready on port 1', FAKE_IGNORE_TERM: '1', FAKE_GRANDCHILD: '1' }, {
        sink: (_name, _stream, line) => lines.push(line),
      }),
    );
    await child.ready;
    const grandchild = Number(lines.find((line) => line.startsWith('grandchild '))?.split(' ')[1]);
    expect(alive(grandchild)).toBe(true);
    const started = Date.now();
    const exit = await child.stop(400);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(exit.signal === 'SIGKILL' || exit.code !== 0).toBe(true);
    expect(await gone(grandchild)).toBe(true);
    expect(await gone(child.pid, processGroupAlive)).toBe(true);
  });

  it('treats a child without a readiness pattern as a task that must exit 0', async () => {
    const ok = startChild(spec({ FAKE_CRASH_CODE: '0' }, { readyPattern: undefined }));
    await expect(ok.ready).resolves.toBeNull();
    const failing = startChild(spec({ FAKE_CRASH_CODE: '1' }, { readyPattern: undefined }));
    await expect(failing.ready).rejects.toThrow(/exited with code 1/);
  });
});
