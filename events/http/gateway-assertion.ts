import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, jwtVerify, type CryptoKey } from 'jose';
import { actorSchema, type Actor } from '@tributary/contracts';
import { createMemoryReplayStore, type ReplayStore } from './replay-store.ts';

/**
 * How a subgraph knows a request came from the gateway (architecture invariant 8). For every
 * subgraph request the gateway signs a short-lived assertion (Ed25519, a JWT) that names
 * - the verified caller (`act`: customer id and role, or null for an anonymous caller),
 * - the subgraph it is meant for (`aud`), so it cannot be replayed against another subgraph,
 * - a SHA-256 of the exact request body (`bh`), so it cannot be reused for another operation,
 * - a unique id (`jti`) that the subgraph accepts once: once per process, and once across all
 *   replicas of the subgraph when they share a replay store (Redis, see replay-store.ts).
 * Only the gateway holds the private key; subgraphs hold the public key, so a compromised
 * subgraph still cannot speak for the gateway. Anything unsigned, forged, expired, meant for
 * another subgraph, bound to another body or replayed is refused with 401.
 */
export const ASSERTION_HEADER = 'x-tributary-assertion';
export const ASSERTION_ISSUER = 'tributary-gateway';
const ALGORITHM = 'EdDSA';

/** Why a request was refused; the message is safe to show the caller. */
export class UntrustedRequestError extends Error {
  override name = 'UntrustedRequestError';
}

export function bodyHash(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

export interface AssertionSignerOptions {
  /** PKCS#8 PEM of the gateway's Ed25519 private key. */
  privateKeyPem: string;
  /** Lifetime of one assertion; a subgraph request that takes longer to arrive is refused. */
  ttlSeconds?: number;
  now?: () => number;
}

export interface AssertionSigner {
  sign(audience: string, actor: Actor | null, body: string | Uint8Array): Promise<string>;
}

export async function createAssertionSigner(options: AssertionSignerOptions): Promise<AssertionSigner> {
  const key = await importPKCS8(options.privateKeyPem, ALGORITHM);
  const ttl = options.ttlSeconds ?? 30;
  const now = options.now ?? Date.now;
  return {
    sign(audience, actor, body) {
      const issuedAt = Math.floor(now() / 1000);
      return new SignJWT({ act: actor, bh: bodyHash(body) })
        .setProtectedHeader({ alg: ALGORITHM })
        .setIssuer(ASSERTION_ISSUER)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttl)
        .setJti(randomUUID())
        .sign(key);
    },
  };
}

export interface AssertionVerifierOptions {
  /** SPKI PEM of the gateway's Ed25519 public key. */
  publicKeyPem: string;
  /** This subgraph's name, as the gateway knows it (supergraph.yaml). */
  audience: string;
  /** Refuse assertions that claim to live longer than this, whatever their exp says. */
  maxTtlSeconds?: number;
  clockToleranceSeconds?: number;
  /** Bound on remembered assertion ids; the oldest are forgotten first (they expire anyway). */
  replayCacheSize?: number;
  /**
   * Shared by every replica of this subgraph (the service kit's Redis store with REDIS_URL), asked
   * after this process's own memory; without it an assertion is single-use per process only.
   */
  replayStore?: ReplayStore;
  now?: () => number;
}

export interface AssertionVerifier {
  /** The caller the gateway vouches for (null: anonymous); throws UntrustedRequestError. */
  verify(token: string | undefined, body: string | Uint8Array): Promise<Actor | null>;
}

export async function createAssertionVerifier(options: AssertionVerifierOptions): Promise<AssertionVerifier> {
  const key: CryptoKey = await importSPKI(options.publicKeyPem, ALGORITHM);
  const maxTtl = options.maxTtlSeconds ?? 60;
  const tolerance = options.clockToleranceSeconds ?? 5;
  const now = options.now ?? Date.now;
  const local = createMemoryReplayStore({ limit: options.replayCacheSize ?? 200_000, now });
  const shared = options.replayStore;

  return {
    async verify(token, body) {
      if (!token) throw new UntrustedRequestError(`missing ${ASSERTION_HEADER}: subgraphs only answer the gateway`);
      let payload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: ASSERTION_ISSUER,
          audience: options.audience,
          clockTolerance: tolerance,
          maxTokenAge: `${maxTtl}s`,
          requiredClaims: ['exp', 'iat', 'jti', 'bh'],
          currentDate: new Date(now()),
        }));
      } catch (error) {
        throw new UntrustedRequestError(`invalid gateway assertion: ${(error as Error).message}`);
      }
      if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp - payload.iat > maxTtl) {
        throw new UntrustedRequestError('invalid gateway assertion: lifetime too long');
      }
      if (payload.bh !== bodyHash(body)) throw new UntrustedRequestError('gateway assertion does not match the request body');
      const actor = payload.act === null ? null : actorSchema.safeParse(payload.act);
      if (actor !== null && !actor.success) throw new UntrustedRequestError('gateway assertion names no valid actor');
      // Checked last: only a fully valid assertion uses up its id. This process's memory first:
      // a replay at the same replica is refused without a round trip to the shared store.
      const jti = String(payload.jti);
      const expiresAtMs = (payload.exp + tolerance) * 1000;
      if (!(await local.claimOnce(jti, expiresAtMs)) || (shared && !(await shared.claimOnce(jti, expiresAtMs)))) {
        throw new UntrustedRequestError('gateway assertion already used (replay)');
      }
      return actor === null ? null : actor.data;
    },
  };
}

/** A fresh Ed25519 key pair as PEM text: the stack launcher and tests create one per stack. */
export async function generateAssertionKeyPair(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { crv: 'Ed25519', extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicKeyPem: await exportSPKI(publicKey) };
}

/**
 * Subscriptions travel over graphql-ws, where there are no per-request headers and no body
 * bytes: the gateway puts its assertions into the protocol's own fields instead, under this key.
 * - `connection_init` payload (connectionParams): an assertion bound to CONNECTION_ASSERTION_BODY,
 *   so only the gateway can even open a subscription socket to a subgraph;
 * - each `subscribe` payload's `extensions`: an assertion bound to `subscriptionAssertionBody`
 *   of that payload, naming the caller of that one subscription (one socket carries many callers).
 * Every reconnect signs afresh: assertions stay single-use and short-lived.
 */
export const SUBSCRIPTION_ASSERTION_KEY = ASSERTION_HEADER;
export const CONNECTION_ASSERTION_BODY = 'graphql-ws connection_init';

export interface SubscribePayloadFields {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** The canonical text a subscribe payload's assertion is bound to (both sides compute it the same way). */
export function subscriptionAssertionBody(payload: SubscribePayloadFields): string {
  return JSON.stringify({ query: payload.query, variables: payload.variables ?? null, operationName: payload.operationName ?? null });
}
