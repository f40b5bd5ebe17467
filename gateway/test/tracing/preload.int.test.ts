import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseSpanRecord, type SpanRecord } from '@tributary/telemetry/tracing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracingEnv } from '../../../compose/embedded/stack/src/services.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');

let dir: string;
let spans: SpanRecord[];
let stderr: string;

// The fixture runs the way the launcher runs a service: tsx with the launcher's tracing
// environment (the preload in NODE_OPTIONS, TRACE_DIR), so this checks that the instrumentations
// really patch modules our ESM code imports, and that spans reach the service's trace file.
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-preload-'));
  const env = { ...process.env, ...tracingEnv({ repoRoot, dataDir: dir, tracing: true, baseEnv: {} }) };
  const result = await run(tsx, [path.join(here, 'preload-fixture.ts'), path.join(dir, 'traces')], { cwd: repoRoot, env, timeout: 60_000 });
  stderr = result.stderr;
  const text = await readFile(path.join(dir, 'traces', 'fixture.jsonl'), 'utf8');
  spans = text.split('\n').flatMap((line) => parseSpanRecord(line) ?? []);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The spans an instrumentation made inside the fixture's span. */
function made(scope: string): SpanRecord[] {
  const root = spans.find((span) => span.name === 'fixture')!;
  return spans.filter((span) => span.scope === `@opentelemetry/instrumentation-${scope}` && span.traceId === root.traceId);
}

describe('the tracing preload', () => {
  it('patches node:http, as a server and as a client', () => {
    const http = made('http');
    expect(http.find((span) => span.kind === 'SERVER')?.attributes['url.path']).toBe('/hello');
    expect(http.find((span) => span.kind === 'CLIENT')?.attributes['url.full']).toMatch(/\/hello$/);
  });

  it('patches undici (fetch, and the payment provider client)', () => {
    expect(made('undici').map((span) => `${span.kind} ${span.name}`)).toEqual(['CLIENT GET']);
  });

  it('patches graphql', () => {
    expect(made('graphql').map((span) => span.name)).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.validate', 'query']));
  });

  it('patches mongodb under mongoose, and ioredis', () => {
    expect(made('mongodb').map((span) => span.name)).toEqual(['find things']);
    expect(made('ioredis').map((span) => span.name)).toEqual(['set']);
  });

  it('leaves the trace ids on the log lines written inside a span', () => {
    const root = spans.find((span) => span.name === 'fixture')!;
    const line = stderr.split('\n').find((text) => text.includes('inside the fixture span'));
    expect(JSON.parse(line!)).toMatchObject({ trace_id: root.traceId, span_id: root.spanId });
  });
});
