import { SignJWT, decodeJwt, decodeProtectedHeader, importPKCS8 } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@tributary/contracts';
import {
  ASSERTION_ISSUER,
  bodyHash,
  createAssertionSigner,
  createAssertionVerifier,
  generateAssertionKeyPair,
  UntrustedRequestError,
  type AssertionSigner,
  type AssertionVerifier,
} from '../gateway-assertion.ts';

// Unit tests of the gateway → subgraph trust (architecture invariant 8): pure crypto, no I/O.
type KeyPair = Awaited<ReturnType<typeof generateAssertionKeyPair>>;

const AUDIENCE = 'order';
const BODY = JSON.stringify({ query: '{ orders { id } }' });
const customer: Actor = { customerId: 'c-1', role: 'customer' };

let gateway: KeyPair;
let impostor: KeyPair;
let signer: AssertionSigner;

beforeAll(async () => {
  [gateway, impostor] = await Promise.all([generateAssertionKeyPair(), generateAssertionKeyPair()]);
  signer = await createAssertionSigner({ privateKeyPem: gateway.privateKeyPem });
});

function verifier(options: { maxTtlSeconds?: number; replayCacheSize?: number; now?: () => number } = {}): Promise<AssertionVerifier> {
  return createAssertionVerifier({ publicKeyPem: gateway.publicKeyPem, audience: AUDIENCE, ...options });
}

/** Asserts that `verify` refuses with an UntrustedRequestError whose message matches `reason`. */
async function expectRefused(pending: Promise<unknown>, reason: RegExp): Promise<void> {
  const error = await pending.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, 'the assertion was accepted').toBeInstanceOf(UntrustedRequestError);
  expect((error as Error).message).toMatch(reason);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims as the real signer would set them, for hand-made tokens. */
function validClaims(body = BODY) {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: ASSERTION_ISSUER, aud: AUDIENCE, iat, exp: iat + 30, jti: crypto.randomUUID(), act: customer, bh: bodyHash(body) };
}

describe('gateway assertion: accepted', () => {
  it('verifies a fresh assertion and yields the actor it names', async () => {
    const token = await signer.sign(AUDIENCE, customer, BODY);
    await expect((await verifier()).verify(token, BODY)).resolves.toEqual(customer);
  });

  it('yields null for an anonymous caller', async () => {
    const token = await signer.sign(AUDIENCE, null, BODY);
    await expect((await verifier()).verify(token, BODY)).resolves.toBeNull();
  });

  it('hashes a string body and its UTF-8 bytes alike', async () => {
    const body = JSON.stringify({ query: '{ product(sku: "Kaffeemühle ☕") { name } }' });
    const token = await signer.sign(AUDIENCE, customer, body);
    await expect((await verifier()).verify(token, Buffer.from(body, 'utf8'))).resolves.toEqual(customer);
  });

  it('names what the verifier checks in the token: issuer, audience, body hash, unique id, short lifetime', async () => {
    const token = await signer.sign(AUDIENCE, customer, BODY);
    const payload = decodeJwt(token);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA' });
    expect(payload).toMatchObject({ iss: ASSERTION_ISSUER, aud: AUDIENCE, act: customer, bh: bodyHash(BODY) });
    expect(payload.exp! - payload.iat!).toBe(30);
    expect(decodeJwt(await signer.sign(AUDIENCE, customer, BODY)).jti).not.toBe(payload.jti);
  });
});

describe('gateway assertion: refused', () => {
  it('refuses a request without an assertion', async () => {
    const v = await verifier();
    await expectRefused(v.verify(undefined, BODY), /missing x-tributary-assertion/);
    await expectRefused(v.verify('', BODY), /missing/);
  });

  it('refuses garbage', async () => {
    const v = await verifier();
    await expectRefused(v.verify('not-a-jwt', BODY), /invalid gateway assertion/);
    await expectRefused(v.verify('a.b.c', BODY), /invalid gateway assertion/);
  });

  it('refuses an assertion signed by another key', async () => {
    const forger = await createAssertionSigner({ privateKeyPem: impostor.privateKeyPem });
    const token = await forger.sign(AUDIENCE, { customerId: 'c-1', role: 'admin' }, BODY);
    await expectRefused((await verifier()).verify(token, BODY), /signature verification failed/);
  });

  it('refuses an assertion meant for another subgraph', async () => {
    const token = await signer.sign('payment', customer, BODY);
    await expectRefused((await verifier()).verify(token, BODY), /"aud"/);
  });

  it('refuses an assertion bound to another body', async () => {
    const token = await signer.sign(AUDIENCE, customer, BODY);
    const otherBody = JSON.stringify({ query: 'mutation { cancelOrder(id: "o-1") { id } }' });
    await expectRefused((await verifier()).verify(token, otherBody), /does not match the request body/);
  });

  it('refuses an expired assertion', async () => {
    const inThePast = await createAssertionSigner({ privateKeyPem: gateway.privateKeyPem, now: () => Date.now() - 120_000 });
    const token = await inThePast.sign(AUDIENCE, customer, BODY);
    await expectRefused((await verifier()).verify(token, BODY), /"exp" claim timestamp check failed/);
  });

  it('accepts a slightly late assertion within the clock tolerance, and not beyond it', async () => {
    const issuedAt = Date.now();
    const token = await signer.sign(AUDIENCE, customer, BODY);
    const lateBy = async (ms: number) => (await verifier({ now: () => issuedAt + ms })).verify(token, BODY);
    await expect(lateBy(32_000)).resolves.toEqual(customer);
    await expectRefused(lateBy(40_000), /"exp"/);
  });

  it('refuses an assertion issued in the future', async () => {
    const ahead = await createAssertionSigner({ privateKeyPem: gateway.privateKeyPem, now: () => Date.now() + 60_000 });
    const token = await ahead.sign(AUDIENCE, customer, BODY);
    await expectRefused((await verifier()).verify(token, BODY), /"iat"/);
  });

  it('refuses an assertion that claims a lifetime longer than maxTtlSeconds, though it is fresh', async () => {
    const longLived = await createAssertionSigner({ privateKeyPem: gateway.privateKeyPem, ttlSeconds: 3600 });
    const token = await longLived.sign(AUDIENCE, customer, BODY);
    await expectRefused((await verifier({ maxTtlSeconds: 60 })).verify(token, BODY), /lifetime too long/);
  });

  it('refuses the second use of the same assertion', async () => {
    const v = await verifier();
    const token = await signer.sign(AUDIENCE, customer, BODY);
    await expect(v.verify(token, BODY)).resolves.toEqual(customer);
    await expectRefused(v.verify(token, BODY), /replay/);
  });

  it('does not use up an assertion it refused for another reason', async () => {
    const v = await verifier();
    const token = await signer.sign(AUDIENCE, customer, BODY);
    await expectRefused(v.verify(token, 'another body'), /body/);
    await expect(v.verify(token, BODY)).resolves.toEqual(customer);
  });

  it('refuses an assertion whose act is not a valid actor', async () => {
    const v = await verifier();
    for (const act of [{ customerId: 'c-1', role: 'root' }, { customerId: '', role: 'customer' }, 'c-1'] as unknown as Actor[]) {
      await expectRefused(v.verify(await signer.sign(AUDIENCE, act, BODY), BODY), /no valid actor/);
    }
  });

  it('refuses an assertion without act, bh or jti', async () => {
    const key = await importPKCS8(gateway.privateKeyPem, 'EdDSA');
    const v = await verifier();
    for (const missing of ['act', 'bh', 'jti'] as const) {
      const claims: Record<string, unknown> = validClaims();
      delete claims[missing];
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA' }).sign(key);
      await expectRefused(v.verify(token, BODY), missing === 'act' ? /no valid actor/ : new RegExp(`"${missing}"`));
    }
  });

  it('refuses an assertion from another issuer, even signed with the gateway key', async () => {
    const key = await importPKCS8(gateway.privateKeyPem, 'EdDSA');
    const token = await new SignJWT({ ...validClaims(), iss: 'someone-else' }).setProtectedHeader({ alg: 'EdDSA' }).sign(key);
    await expectRefused((await verifier()).verify(token, BODY), /"iss"/);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(validClaims())}.`;
    await expectRefused((await verifier()).verify(token, BODY), /invalid gateway assertion/);
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(gateway.publicKeyPem);
    const token = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    await expectRefused((await verifier()).verify(token, BODY), /invalid gateway assertion/);
  });
});

describe('gateway assertion: replay cache', () => {
  it('stays bounded: remembers the most recent ids and forgets the oldest first', async () => {
    const v = await verifier({ replayCacheSize: 4 });
    const tokens: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const token = await signer.sign(AUDIENCE, customer, BODY);
      await v.verify(token, BODY);
      tokens.push(token);
    }
    // Every id still held is refused...
    for (const recent of tokens.slice(-4)) await expectRefused(v.verify(recent, BODY), /replay/);
    // ...while the first one was dropped to keep the cache at 4 entries (a bounded cache trades
    // this for memory; assertions live 30 s, so the window is short and needs the gateway's key).
    await expect(v.verify(tokens[0]!, BODY)).resolves.toEqual(customer);
  });

  it('refuses a replay for as long as the assertion lives, and as expired after that', async () => {
    let clock = Date.now();
    const v = await verifier({ now: () => clock });
    const token = await signer.sign(AUDIENCE, customer, BODY);
    await v.verify(token, BODY);
    clock += 10_000;
    await expectRefused(v.verify(token, BODY), /replay/);
    clock += 60_000;
    // Past its expiry the token is refused as expired, not as a replay.
    await expectRefused(v.verify(token, BODY), /"exp"/);
  });
});
