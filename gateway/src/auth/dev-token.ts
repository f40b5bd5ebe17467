import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

/**
 * Development tokens for the local stack, signed with the HS256 secret the launcher keeps in
 * DATA_DIR/auth/jwt-secret (see dev-secret.ts). One implementation for `npm run token`,
 * `npm run watch` and the launcher's browser links, so all of them sign what the gateway accepts.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * DATA_DIR/auth/jwt-secret, DATA_DIR being <repo>/.data unless set: the launcher's own rule
 * (compose/embedded/stack/src/config.ts; a relative DATA_DIR is taken from the repo root), so a
 * stack started with DATA_DIR=/elsewhere is found without --secret-file.
 */
export function defaultDevSecretFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.resolve(repoRoot, env['DATA_DIR'] || '.data'), 'auth', 'jwt-secret');
}

export class DevSecretMissingError extends Error {
  override name = 'DevSecretMissingError';
  constructor(readonly secretFile: string) {
    super(`no JWT secret at ${secretFile}: start the stack first (npm run dev) or pass --secret-file`);
  }
}

/** The secret in `secretFile`; a DevSecretMissingError when the stack has not created it yet. */
export async function readDevSecret(secretFile: string): Promise<string> {
  try {
    return (await readFile(secretFile, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DevSecretMissingError(secretFile);
    throw error;
  }
}

export interface DevTokenClaims {
  /** The token subject: the customer id the gateway passes on as the actor. */
  customerId: string;
  /** Default customer. */
  role?: 'customer' | 'admin';
  /** jose's time span syntax, e.g. 30m, 1h, 12h; default 1h. */
  ttl?: string;
  /** The gateway's JWT_ISSUER / JWT_AUDIENCE; both default to tributary, as the gateway's do. */
  issuer?: string;
  audience?: string;
}

export function signDevToken(secret: string, claims: DevTokenClaims): Promise<string> {
  return new SignJWT({ role: claims.role ?? 'customer' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.customerId)
    .setIssuer(claims.issuer ?? 'tributary')
    .setAudience(claims.audience ?? 'tributary')
    .setIssuedAt()
    .setExpirationTime(claims.ttl ?? '1h')
    .sign(new TextEncoder().encode(secret));
}
