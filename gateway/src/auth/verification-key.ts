import { readFile } from 'node:fs/promises';
import { createRemoteJWKSet } from 'jose';
import type { AuthKeySource } from '../config.ts';
import type { VerificationKey } from './verify-token.ts';

const MIN_SECRET_LENGTH = 32;

function secretKey(secret: string, origin: string): VerificationKey {
  const trimmed = secret.trim();
  if (trimmed.length < MIN_SECRET_LENGTH) {
    throw new Error(`${origin}: the JWT secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return { kind: 'secret', secret: new TextEncoder().encode(trimmed) };
}

/** Turns the configured key source into a key jose can verify with (reads the secret file once). */
export async function loadVerificationKey(source: AuthKeySource): Promise<VerificationKey> {
  switch (source.kind) {
    case 'secret':
      return secretKey(source.secret, 'JWT_SECRET');
    case 'secret-file': {
      let text: string;
      try {
        text = await readFile(source.path, 'utf8');
      } catch (error) {
        throw new Error(`JWT_SECRET_FILE: cannot read ${source.path}: ${(error as Error).message}`);
      }
      return secretKey(text, `JWT_SECRET_FILE ${source.path}`);
    }
    case 'jwks':
      // jose caches the key set and refetches it when a token names an unknown key id.
      return { kind: 'jwks', keySet: createRemoteJWKSet(new URL(source.url)) };
    default: {
      const unknown: never = source;
      throw new Error(`unknown key source ${JSON.stringify(unknown)}`);
    }
  }
}
