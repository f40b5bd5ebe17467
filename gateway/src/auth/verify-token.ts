import { errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Actor } from '@tributary/contracts';
import { createVerifiedTokens } from './verified-tokens.ts';

/** A request carried credentials that cannot be trusted; it must be answered with UNAUTHENTICATED. */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
}

/** Either a shared HS256 secret (development) or a JWKS key set (production, asymmetric keys). */
export type VerificationKey = { kind: 'secret'; secret: Uint8Array } | { kind: 'jwks'; keySet: JWTVerifyGetKey };

export interface TokenVerifierOptions {
  key: VerificationKey;
  issuer: string;
  audience: string;
  /** Allowed clock skew between the token issuer and the gateway. */
  clockToleranceSeconds?: number;
  /** How long a verified token is taken without checking it again (default 60 s, never past its expiry; 0 = always check). */
  verifiedTokenMaxAgeMs?: number;
}

/**
 * Maps an Authorization header value to the caller: undefined for an anonymous caller (no
 * header), an Actor for a valid bearer token; throws AuthenticationError otherwise.
 */
export type TokenVerifier = (authorization: string | undefined) => Promise<Actor | undefined>;

// Algorithms are pinned per key kind so a token can never pick its own (no `none`, and no
// HS256 signed with a public key taken from the JWKS).
const SECRET_ALGORITHMS = ['HS256'];
const JWKS_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const MAX_CUSTOMER_ID_LENGTH = 128;

function bearerToken(authorization: string): string {
  const match = /^Bearer[ ]+([A-Za-z0-9_\-.]+)\s*$/i.exec(authorization.trim());
  if (!match?.[1]) throw new AuthenticationError('Authorization header must be "Bearer <JWT>"');
  return match[1];
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'token expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${error.claim}" is invalid`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof joseErrors.JOSEError) return 'token is invalid';
  return 'token could not be verified';
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.key.kind === 'secret' ? SECRET_ALGORITHMS : JWKS_ALGORITHMS,
    // A token without an expiry would be valid forever if leaked.
    requiredClaims: ['exp', 'sub'],
    clockTolerance: options.clockToleranceSeconds ?? 5,
  };

  const maxAgeMs = options.verifiedTokenMaxAgeMs ?? 60_000;
  const verified = maxAgeMs > 0 ? createVerifiedTokens({ maxAgeMs }) : undefined;

  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return undefined;
    const token = bearerToken(authorization);
    const known = verified?.get(token);
    if (known) return known;
    let payload;
    try {
      payload =
        options.key.kind === 'secret'
          ? (await jwtVerify(token, options.key.secret, verifyOptions)).payload
          : (await jwtVerify(token, options.key.keySet, verifyOptions)).payload;
    } catch (error) {
      throw new AuthenticationError(describeJoseError(error));
    }
    const { sub } = payload;
    // Surrounding whitespace is refused, not trimmed: services trim ids in commands, so " alice"
    // would otherwise place orders that belong to "alice".
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_CUSTOMER_ID_LENGTH || sub.trim() !== sub) {
      throw new AuthenticationError('token subject is invalid');
    }
    // Only an explicit admin claim elevates; anything else is an ordinary customer.
    const actor: Actor = { customerId: sub, role: payload['role'] === 'admin' ? 'admin' : 'customer' };
    // exp is a required claim, so jwtVerify has checked it is a number.
    verified?.remember(token, actor, payload.exp!);
    return actor;
  };
}
