import { describe, expect, it } from 'vitest';
import { createHealth, runHealthChecks } from './health.ts';

describe('runHealthChecks', () => {
  it('is ok when every check resolves', async () => {
    const report = await runHealthChecks({ mongo: async () => undefined, kafka: async () => 'connected' });
    expect(report.status).toBe('ok');
    expect(Object.keys(report.checks).sort()).toEqual(['kafka', 'mongo']);
    expect(report.checks.mongo).toEqual({ ok: true, ms: expect.any(Number) });
  });

  it('fails with the error of a rejecting, throwing or false check', async () => {
    const report = await runHealthChecks({
      ok: async () => true,
      rejects: async () => {
        throw new Error('connection refused');
      },
      throwsSync: (() => {
        throw new Error('sync boom');
      }) as never,
      saysNo: async () => false,
    });
    expect(report.status).toBe('fail');
    expect(report.checks.ok?.ok).toBe(true);
    expect(report.checks.rejects).toMatchObject({ ok: false, error: 'connection refused' });
    expect(report.checks.throwsSync).toMatchObject({ ok: false, error: 'sync boom' });
    expect(report.checks.saysNo).toMatchObject({ ok: false, error: 'check returned false' });
  });

  it('times out a hanging check without waiting for it, and aborts its signal', async () => {
    let aborted = false;
    const started = performance.now();
    const report = await runHealthChecks(
      {
        fast: async () => undefined,
        hangs: (signal) =>
          new Promise(() => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
          }),
      },
      { timeoutMs: 50 },
    );
    const took = performance.now() - started;
    expect(report.status).toBe('fail');
    expect(report.checks.fast?.ok).toBe(true);
    expect(report.checks.hangs).toMatchObject({ ok: false, error: 'timed out after 50 ms' });
    expect(report.checks.hangs?.ms).toBeGreaterThanOrEqual(45);
    expect(took).toBeLessThan(1000);
    expect(aborted).toBe(true);
  });

  it('measures each check with the injected clock', async () => {
    let clock = 0;
    const health = createHealth(
      {
        slow: async () => {
          clock += 25;
        },
      },
      { now: () => clock },
    );
    expect(await health()).toEqual({ status: 'ok', checks: { slow: { ok: true, ms: 25 } } });
  });

  it('is ok with no checks at all', async () => {
    expect(await runHealthChecks({})).toEqual({ status: 'ok', checks: {} });
  });
});
