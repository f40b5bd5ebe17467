import { SignJWT, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, createTokenVerifier } from '../src/auth/verify-token.ts';

const secret = new TextEncoder().encode('unit-test-secret-unit-test-secret-0123456789');
const otherSecret = new TextEncoder().encode('another-secret-another-secret-another-secret!');
const verify = createTokenVerifier({ key: { kind: 'secret', secret }, issuer: 'tributary', audience: 'tributary' });

function token(options: { claims?: Record<string, unknown>; sub?: string; aud?: string; iss?: string; exp?: number | string; key?: Uint8Array } = {}) {
  const jwt = new SignJWT(options.claims ?? {})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(options.iss ?? 'tributary')
    .setAudience(options.aud ?? 'tributary')
    .setIssuedAt();
  if (options.sub !== '') jwt.setSubject(options.sub ?? 'customer-1');
  if (options.exp !== undefined) jwt.setExpirationTime(options.exp);
  else jwt.setExpirationTime('1h');
  return jwt.sign(options.key ?? secret);
}

async function rejection(authorization: string): Promise<string> {
  try {
    await verify(authorization);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    return (error as Error).message;
  }
  throw new Error('token was accepted');
}

describe('createTokenVerifier', () => {
  it('turns a valid token into a customer actor', async () => {
    expect(await verify(`Bearer ${await token({ sub: 'c-42' })}`)).toEqual({ customerId: 'c-42', role: 'customer' });
  });

  it('grants admin only for an explicit admin role claim', async () => {
    expect(await verify(`Bearer ${await token({ claims: { role: 'admin' } })}`)).toEqual({ customerId: 'customer-1', role: 'admin' });
    expect(await verify(`bearer ${await token({ claims: { role: 'system' } })}`)).toEqual({ customerId: 'customer-1', role: 'customer' });
  });

  it('treats a missing or empty Authorization header as anonymous', async () => {
    expect(await verify(undefined)).toBeUndefined();
    expect(await verify('  ')).toBeUndefined();
  });

  it('rejects an expired token', async () => {
    const expired = await token({ exp: Math.floor(Date.now() / 1000) - 60 });
    expect(await rejection(`Bearer ${expired}`)).toBe('token expired');
  });

  it('rejects a token signed with another secret', async () => {
    expect(await rejection(`Bearer ${await token({ key: otherSecret })}`)).toBe('token signature is invalid');
  });

  it('rejects an unsigned token (alg none)', async () => {
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'mallory', role: 'admin', iss: 'tributary', aud: 'tributary', exp: now + 600 })}.`;
    expect(await rejection(`Bearer ${unsigned}`)).toMatch(/algorithm not allowed|invalid/);
  });

  it('rejects a token for another audience or issuer', async () => {
    expect(await rejection(`Bearer ${await token({ aud: 'someone-else' })}`)).toBe('token claim "aud" is invalid');
    expect(await rejection(`Bearer ${await token({ iss: 'evil' })}`)).toBe('token claim "iss" is invalid');
  });

  it('rejects a token without subject', async () => {
    expect(await rejection(`Bearer ${await token({ sub: '' })}`)).toMatch(/sub/);
  });

  it('rejects a subject with surrounding whitespace, which would alias another customer once trimmed', async () => {
    expect(await rejection(`Bearer ${await token({ sub: ' alice' })}`)).toBe('token subject is invalid');
    expect(await rejection(`Bearer ${await token({ sub: 'alice\n' })}`)).toBe('token subject is invalid');
  });

  it('rejects a header that is not a bearer token', async () => {
    expect(await rejection('Basic dXNlcjpwYXNz')).toMatch(/Bearer <JWT>/);
    expect(await rejection('Bearer not-a-jwt')).toBe('token is invalid');
  });
});
