import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevSecret } from '../src/auth/dev-secret.ts';

const run = promisify(execFile);
const gatewayDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = path.resolve(gatewayDir, '../node_modules/.bin/tsx');

/** Runs one of the gateway's CLI scripts the way `npm run` does; never throws, returns the exit code. */
async function script(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [path.join(gatewayDir, 'scripts', name), ...args], { cwd: tmpDir, timeout: 30_000, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let tmpDir: string;

beforeAll(async () => {
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-gateway-scripts-'));
});

afterAll(async () => {
  if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
});

describe('token script', () => {
  it('signs a token the gateway accepts, with the requested subject, role and lifetime', async () => {
    const secretFile = path.join(tmpDir, 'jwt-secret');
    const secret = await ensureDevSecret(secretFile);
    const result = await script('token.ts', ['--customer', 'c-1', '--role', 'admin', '--ttl', '2h', '--secret-file', secretFile]);
    expect(result.code).toBe(0);
    const { payload } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode(secret), {
      issuer: 'tributary',
      audience: 'tributary',
      algorithms: ['HS256'],
    });
    expect(payload).toMatchObject({ sub: 'c-1', role: 'admin' });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(7200);
  });

  it('finds the secret under DATA_DIR, as the launcher keeps it there', async () => {
    const dataDir = path.join(tmpDir, 'elsewhere');
    const secret = await ensureDevSecret(path.join(dataDir, 'auth', 'jwt-secret'));
    const result = await script('token.ts', ['--customer', 'c-2'], { ...process.env, DATA_DIR: dataDir });
    expect(result.stderr).toBe('');
    const { payload } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode(secret), { issuer: 'tributary', audience: 'tributary' });
    expect(payload.sub).toBe('c-2');
    const missing = await script('token.ts', ['--customer', 'c-2'], { ...process.env, DATA_DIR: path.join(tmpDir, 'nowhere') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(path.join(tmpDir, 'nowhere', 'auth', 'jwt-secret'));
  });

  it('explains what to do when the secret file is missing', async () => {
    const result = await script('token.ts', ['--customer', 'c-1', '--secret-file', path.join(tmpDir, 'missing')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/start the stack first \(npm run dev\) or pass --secret-file/);
  });
});

describe('compose-supergraph script', () => {
  const sdl = (field: string) =>
    `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\ntype Query { ${field} }\n`;
  const config = (files: string[]) =>
    `federation_version: =2.14.4\nsubgraphs:\n${files
      .map((f, i) => `  s${i}:\n    routing_url: http://127.0.0.1:${4100 + i}/graphql\n    schema:\n      file: ./${f}\n`)
      .join('')}`;

  it('writes the supergraph SDL', async () => {
    await writeFile(path.join(tmpDir, 'a.graphql'), sdl('a: String'));
    await writeFile(path.join(tmpDir, 'good.yaml'), config(['a.graphql']));
    const result = await script('compose-supergraph.ts', ['--config', 'good.yaml', '--out', 'out.graphql']);
    expect(result.code).toBe(0);
    expect(await readFile(path.join(tmpDir, 'out.graphql'), 'utf8')).toContain('S0 @join__graph(name: "s0", url: "http://127.0.0.1:4100/graphql")');
  });

  it('exits non-zero and prints every composition error', async () => {
    await writeFile(path.join(tmpDir, 'b.graphql'), sdl('shared: String'));
    await writeFile(path.join(tmpDir, 'c.graphql'), sdl('shared: Int'));
    await writeFile(path.join(tmpDir, 'bad.yaml'), config(['b.graphql', 'c.graphql']));
    const result = await script('compose-supergraph.ts', ['--config', 'bad.yaml', '--out', 'bad.graphql']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/composition failed with 2 error\(s\)/);
    expect(result.stderr).toMatch(/\[FIELD_TYPE_MISMATCH\][\s\S]*\[INVALID_FIELD_SHARING\]/);
  });
});
