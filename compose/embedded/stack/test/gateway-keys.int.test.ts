import { execFile } from 'node:child_process';
import { sign, verify } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateAssertionKeyPair } from '@tributary/http';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureGatewayKeyPair, PUBLIC_KEY_FILE, SIGNING_KEY_FILE } from '../src/gateway-keys.ts';

/** The gateway key pair on disk (a temporary directory per test; file I/O, hence an int test). */

const cleanup: string[] = [];
afterAll(async () => {
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-keys-'));
  cleanup.push(dir);
  return path.join(dir, 'auth'); // not there yet: the helper creates it
}

const mode = (file: string) => statSync(file).mode & 0o777;

/** True when the private key in `dir` signs what its public key accepts. */
async function matchingPair(dir: string): Promise<boolean> {
  const privateKey = await readFile(path.join(dir, SIGNING_KEY_FILE), 'utf8');
  const publicKey = await readFile(path.join(dir, PUBLIC_KEY_FILE), 'utf8');
  const data = Buffer.from('tributary');
  return verify(null, data, publicKey, sign(null, data, privateKey));
}

describe('ensureGatewayKeyPair', () => {
  it('creates both PEM files, the private one readable only by the owner, in a 0700 directory', async () => {
    const dir = await scratch();
    const files = await ensureGatewayKeyPair(dir);
    expect(files.created).toBe(true);
    expect(files.signingKeyFile).toBe(path.join(dir, 'gateway-signing-key.pem'));
    expect(files.publicKeyFile).toBe(path.join(dir, 'gateway-public-key.pem'));
    expect(await readFile(files.signingKeyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await readFile(files.publicKeyFile, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(mode(files.signingKeyFile)).toBe(0o600);
    expect(mode(files.publicKeyFile)).toBe(0o644);
    expect(mode(dir)).toBe(0o700);
    expect(await matchingPair(dir)).toBe(true);
    // No temporary files are left behind.
    expect((await readdir(dir)).sort()).toEqual([PUBLIC_KEY_FILE, SIGNING_KEY_FILE]);
  });

  it('keeps an existing pair', async () => {
    const dir = await scratch();
    await ensureGatewayKeyPair(dir);
    const before = await Promise.all([SIGNING_KEY_FILE, PUBLIC_KEY_FILE].map((name) => readFile(path.join(dir, name), 'utf8')));
    const again = await ensureGatewayKeyPair(dir);
    expect(again.created).toBe(false);
    const after = await Promise.all([SIGNING_KEY_FILE, PUBLIC_KEY_FILE].map((name) => readFile(path.join(dir, name), 'utf8')));
    expect(after).toEqual(before);
  });

  it('restores the public half from the private one when it is missing or belongs to another key', async () => {
    const dir = await scratch();
    const files = await ensureGatewayKeyPair(dir);
    const privateBefore = await readFile(files.signingKeyFile, 'utf8');
    await rm(files.publicKeyFile);
    expect((await ensureGatewayKeyPair(dir)).created).toBe(false);
    expect(await matchingPair(dir)).toBe(true);

    await writeFile(files.publicKeyFile, (await generateAssertionKeyPair()).publicKeyPem);
    await ensureGatewayKeyPair(dir);
    expect(await matchingPair(dir)).toBe(true);
    expect(await readFile(files.signingKeyFile, 'utf8')).toBe(privateBefore);
  });

  it('makes a new pair when the private half is missing', async () => {
    const dir = await scratch();
    const files = await ensureGatewayKeyPair(dir);
    const publicBefore = await readFile(files.publicKeyFile, 'utf8');
    await rm(files.signingKeyFile);
    expect((await ensureGatewayKeyPair(dir)).created).toBe(true);
    expect(await readFile(files.publicKeyFile, 'utf8')).not.toBe(publicBefore);
    expect(await matchingPair(dir)).toBe(true);
  });

  it('ends with one matching pair when many callers race on an empty directory', async () => {
    const dir = await scratch();
    const results = await Promise.all(Array.from({ length: 8 }, () => ensureGatewayKeyPair(dir)));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await matchingPair(dir)).toBe(true);
  });

  it('refuses a private key file that holds no key, saying how to recover', async () => {
    const dir = await scratch();
    const files = await ensureGatewayKeyPair(dir);
    await writeFile(files.signingKeyFile, 'not a key');
    await expect(ensureGatewayKeyPair(dir)).rejects.toThrow(/delete it to create a new pair/);
  });
});

describe('gateway-keys-cli (the compose `keys` service)', () => {
  const run = promisify(execFile);
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const cli = fileURLToPath(new URL('../src/gateway-keys-cli.ts', import.meta.url));

  it('gives concurrent runs one matching pair and copies the public half to --public-dir', async () => {
    const dir = await scratch();
    const publicDir = path.join(path.dirname(dir), 'public');
    const runs = await Promise.all(
      Array.from({ length: 3 }, () => run(process.execPath, [tsx, cli, '--dir', dir, '--public-dir', publicDir], { timeout: 30_000 })),
    );
    expect(runs.filter(({ stdout }) => stdout.startsWith('created'))).toHaveLength(1);
    expect(await matchingPair(dir)).toBe(true);
    expect(await readFile(path.join(publicDir, PUBLIC_KEY_FILE), 'utf8')).toBe(await readFile(path.join(dir, PUBLIC_KEY_FILE), 'utf8'));
    expect(await readdir(publicDir)).toEqual([PUBLIC_KEY_FILE]);
  });
});
