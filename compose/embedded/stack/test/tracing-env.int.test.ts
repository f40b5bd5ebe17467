import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStackConfig, REPO_ROOT } from '../src/config.ts';
import { TRACING_PRELOAD, tracingEnv } from '../src/services.ts';

/** The repository itself, seen through a symlink whose name has a space. */
let root: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-tracing-env-'));
  root = path.join(dir, 'repo with space');
  await symlink(REPO_ROOT, root);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
let dir: string;

describe('tracing in the stack', () => {
  it('is on unless OTEL_SDK_DISABLED=true', () => {
    expect(parseStackConfig({}, root).tracing).toBe(true);
    expect(parseStackConfig({ OTEL_SDK_DISABLED: 'True' }, root).tracing).toBe(false);
    expect(parseStackConfig({ OTEL_SDK_DISABLED: 'no' }, root).tracing).toBe(true);
  });

  it('gives the services the preload (as a file URL, after the user\u2019s NODE_OPTIONS) and DATA_DIR/traces', () => {
    const env = tracingEnv({ repoRoot: root, dataDir: '/data', tracing: true, baseEnv: { NODE_OPTIONS: '--max-old-space-size=512' } });
    expect(env).toEqual({
      NODE_OPTIONS: `--max-old-space-size=512 --import=file://${encodeURI(path.join(root, TRACING_PRELOAD))}`,
      TRACE_DIR: path.join('/data', 'traces'),
    });
    expect(env.NODE_OPTIONS).not.toContain('with space');
  });

  it('leaves NODE_OPTIONS alone when the preload is missing (a fixture repository)', () => {
    expect(tracingEnv({ repoRoot: dir, dataDir: '/data', tracing: true, baseEnv: {} })).toEqual({ TRACE_DIR: path.join('/data', 'traces') });
  });

  it("keeps the user's TRACE_DIR, and gives nothing with tracing off", () => {
    expect(tracingEnv({ repoRoot: root, dataDir: '/data', tracing: true, baseEnv: { TRACE_DIR: '/elsewhere' } }).TRACE_DIR).toBe('/elsewhere');
    expect(tracingEnv({ repoRoot: root, dataDir: '/data', tracing: false, baseEnv: {} })).toEqual({});
  });
});
