import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/config.ts';
import { devLinks } from '../src/dev-links.ts';

/** The summary's browser links, signed by the gateway's own code (file I/O and module loading, hence an int test). */

const SECRET = 'a-development-secret-of-at-least-32-characters';
let dir: string;
let secretFile: string;
let gatewayEnv: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-links-'));
  secretFile = path.join(dir, 'jwt-secret');
  await writeFile(secretFile, `${SECRET}\n`);
  // What the launcher starts the gateway with (loadConfig wants a signing key source too).
  gatewayEnv = { JWT_SECRET_FILE: secretFile, GATEWAY_SIGNING_KEY_FILE: path.join(dir, 'key.pem'), GATEWAY_PORT: '4000' };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The claims of an HS256 token, after checking its signature with the secret. */
function verified(token: string): Record<string, unknown> {
  const [header, payload, signature] = token.split('.');
  expect(createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
  return JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

describe('devLinks', () => {
  it('links the playground as a customer and the live board as an admin, with tokens the gateway accepts', async () => {
    const links = await devLinks({ repoRoot: REPO_ROOT, secretFile, graphqlUrl: 'http://localhost:4000/graphql', gatewayEnv });
    expect(links.playground).toMatch(/^http:\/\/localhost:4000\/graphql\?token=[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(links.live).toMatch(/^http:\/\/localhost:4000\/live\?token=[\w-]+\.[\w-]+\.[\w-]+$/);
    const customer = verified(tokenOf(links.playground!));
    expect(customer).toMatchObject({ sub: 'alice', role: 'customer', iss: 'tributary', aud: 'tributary' });
    expect(Number(customer['exp']) - Number(customer['iat'])).toBe(12 * 3600);
    expect(verified(tokenOf(links.live))).toMatchObject({ sub: 'admin', role: 'admin' });
    expect(links.ttl).toBe('12h');
  });

  it('follows the gateway: no playground link with introspection off, its issuer and audience in the tokens', async () => {
    const links = await devLinks({
      repoRoot: REPO_ROOT,
      secretFile,
      graphqlUrl: 'http://localhost:4100/graphql',
      gatewayEnv: { ...gatewayEnv, NODE_ENV: 'production', JWT_ISSUER: 'issuer-x', JWT_AUDIENCE: 'audience-y' },
    });
    expect(links.playground).toBeUndefined();
    expect(links.live).toMatch(/^http:\/\/localhost:4100\/live\?token=/);
    expect(verified(tokenOf(links.live))).toMatchObject({ iss: 'issuer-x', aud: 'audience-y' });
  });

  it('fails (the launcher then prints no links) when the secret is missing', async () => {
    await expect(devLinks({ repoRoot: REPO_ROOT, secretFile: path.join(dir, 'missing'), graphqlUrl: 'http://localhost:4000/graphql', gatewayEnv })).rejects.toThrow(/no JWT secret/);
  });
});
