import { describe, expect, it } from 'vitest';
import { createVerifiedTokens } from '../src/auth/verified-tokens.ts';

const alice = { customerId: 'alice', role: 'customer' as const };

describe('verified tokens', () => {
  it('answers a remembered token until its expiry', () => {
    let now = 1_000_000;
    const tokens = createVerifiedTokens({ now: () => now, maxAgeMs: 60_000 });
    tokens.remember('t1', alice, now / 1000 + 30);
    expect(tokens.get('t1')).toEqual(alice);
    now += 29_999;
    expect(tokens.get('t1')).toEqual(alice);
    now += 1;
    expect(tokens.get('t1')).toBeUndefined();
  });

  it('forgets a long-lived token after the maximum age, so it is verified again', () => {
    let now = 1_000_000;
    const tokens = createVerifiedTokens({ now: () => now, maxAgeMs: 60_000 });
    tokens.remember('t1', alice, now / 1000 + 3600);
    now += 60_000;
    expect(tokens.get('t1')).toBeUndefined();
  });

  it('knows nothing of a token it was not given', () => {
    const tokens = createVerifiedTokens();
    expect(tokens.get('never-seen')).toBeUndefined();
  });

  it('is bounded: the least recently used token goes first', () => {
    const now = 1_000_000;
    const tokens = createVerifiedTokens({ now: () => now, capacity: 2 });
    tokens.remember('a', alice, now / 1000 + 30);
    tokens.remember('b', alice, now / 1000 + 30);
    expect(tokens.get('a')).toEqual(alice); // a is now the most recently used
    tokens.remember('c', alice, now / 1000 + 30);
    expect(tokens.get('b')).toBeUndefined();
    expect(tokens.get('a')).toEqual(alice);
    expect(tokens.get('c')).toEqual(alice);
  });
});
