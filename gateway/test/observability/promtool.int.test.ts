import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { ALERT_RULES, ALERT_TESTS, allExpressions, OBSERVABILITY_DIR, PROMETHEUS_CONFIG } from './observability-files.ts';
import { findExecutable } from './prometheus-process.ts';

/**
 * compose/observability/ through Prometheus' own checker (Debian's `prometheus` package, which
 * .ci/run installs): the config, the alert rules, the alert rules' unit tests, and every
 * dashboard expression (parsed as a recording rule, so without a running Prometheus).
 */

const run = promisify(execFile);
const promtool = findExecutable('promtool');
if (!promtool) console.info('promtool.int.test: promtool not found on PATH (Debian package `prometheus`); skipping the promtool checks');

async function promtoolRun(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(promtool!, args, { cwd: OBSERVABILITY_DIR, timeout: 30_000 });
    return stdout + stderr;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

describe.skipIf(!promtool)('promtool', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('accepts prometheus.yml and the rule files it names', async () => {
    const output = await promtoolRun('check', 'config', PROMETHEUS_CONFIG);
    expect(output).toContain('SUCCESS: 1 rule files found');
  });

  it('accepts alerts.yml', async () => {
    expect(await promtoolRun('check', 'rules', ALERT_RULES)).toContain('SUCCESS: 5 rules found');
  });

  it('passes the alerts\' unit tests (each fires on its failure, none on a healthy stack)', async () => {
    expect(await promtoolRun('test', 'rules', path.basename(ALERT_TESTS))).toContain('SUCCESS');
  });

  it('parses every dashboard expression', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-promtool-'));
    dirs.push(dir);
    const expressions = allExpressions();
    // Recording rules need a valid metric name: one per expression, the source stays in a label.
    const rules = expressions.map(({ source, expr }, i) => ({ record: `dashboard:expr_${i}`, expr, labels: { source } }));
    const file = path.join(dir, 'dashboard-expressions.yml');
    await writeFile(file, toYaml({ groups: [{ name: 'dashboards', rules }] }));
    expect(await promtoolRun('check', 'rules', file)).toContain(`SUCCESS: ${expressions.length} rules found`);
  });
});
