import type { Actor } from '@tributary/contracts';
import { LruCache } from '../cache/lru-cache.ts';

/**
 * Tokens verified recently, so a client sending the same bearer token on every request is not
 * verified again each time (an HMAC or signature check per request). An entry lasts until the
 * token's own expiry, and at most `maxAgeMs` after it was verified: a key withdrawn from the
 * JWKS stops being honoured within that time. Bounded in count (least recently used goes first).
 */
export interface VerifiedTokens {
  get(token: string): Actor | undefined;
  remember(token: string, actor: Actor, expiresAtSeconds: number): void;
}

export function createVerifiedTokens(options: { capacity?: number; maxAgeMs?: number; now?: () => number } = {}): VerifiedTokens {
  const cache = new LruCache<{ actor: Actor; validUntilMs: number }>(options.capacity ?? 10_000);
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  return {
    get(token) {
      const entry = cache.get(token);
      return entry && now() < entry.validUntilMs ? entry.actor : undefined;
    },
    remember(token, actor, expiresAtSeconds) {
      cache.set(token, { actor, validUntilMs: Math.min(expiresAtSeconds * 1000, now() + maxAgeMs) });
    },
  };
}
