import { describe, expect, it } from 'vitest';
import { isConnectFailure } from '../../src/supergraph/connect-failure.ts';
import { createReplicaPool, sendToReplicas } from '../../src/supergraph/replica-pool.ts';

const A = 'http://a/graphql';
const B = 'http://b/graphql';
const C = 'http://c/graphql';

/** A pool on a hand-driven clock. */
function poolOf(urls: string[]) {
  let now = 0;
  const pool = createReplicaPool('order', urls, { now: () => now, minDownMs: 1_000, maxDownMs: 10_000 });
  return { pool, advance: (ms: number) => (now += ms) };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

describe('replica pool', () => {
  it('takes the replicas in turn', () => {
    const { pool } = poolOf([A, B, C]);
    expect([1, 2, 3, 4].map(() => pool.order()[0])).toEqual([A, B, C, A]);
    expect(pool.order()).toEqual([B, C, A]);
  });

  it('puts a replica that refused last until its down time is over, doubling it on each new refusal', () => {
    const { pool, advance } = poolOf([A, B]);
    pool.markDown(A);
    expect([pool.order(), pool.order()]).toEqual([
      [B, A],
      [B, A],
    ]);
    advance(1_000);
    expect(pool.order()[0]).toBe(A);
    pool.markDown(A);
    advance(1_999);
    expect(pool.order()[0]).toBe(B);
    expect(pool.order()[0]).toBe(B);
    advance(1);
    pool.order(); // B's turn
    expect(pool.order()[0]).toBe(A);
  });

  it('counts refusals met while a replica is already down as one, caps the down time, and forgets them once it answers', () => {
    const { pool, advance } = poolOf([A, B]);
    for (let i = 0; i < 5; i += 1) pool.markDown(A);
    advance(1_000);
    expect(pool.order()).toEqual([A, B]);
    for (let round = 0; round < 10; round += 1) {
      pool.markDown(A);
      advance(10_000);
    }
    pool.markDown(A);
    advance(9_999);
    expect(pool.order()).toEqual([B, A]);
    advance(1);
    // Back in the rotation after at most 10 s, however often it refused.
    expect([pool.order()[0], pool.order()[0]]).toContain(A);
    pool.markDown(A);
    pool.markUp(A);
    expect([pool.order()[0], pool.order()[0]]).toContain(A);
  });
});

describe('sendToReplicas', () => {
  it('moves on to the next replica only when the connection was refused', async () => {
    const { pool } = poolOf([A, B]);
    const tried: string[] = [];
    const answer = await sendToReplicas(pool, async (url) => {
      tried.push(url);
      if (url === A) throw refused();
      return `answer from ${url}`;
    }, isConnectFailure);
    expect(answer).toBe(`answer from ${B}`);
    expect(tried).toEqual([A, B]);
    // A is now tried last.
    expect(pool.order()).toEqual([B, A]);
  });

  it('passes any other failure on without trying another replica (the request may have run)', async () => {
    const { pool } = poolOf([A, B]);
    const tried: string[] = [];
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    await expect(sendToReplicas(pool, async (url) => {
      tried.push(url);
      throw reset;
    }, isConnectFailure)).rejects.toBe(reset);
    expect(tried).toEqual([A]);
  });

  it('throws the last refusal when every replica refused', async () => {
    const { pool } = poolOf([A, B]);
    const errors = [refused(), refused()];
    let calls = 0;
    await expect(sendToReplicas(pool, async () => {
      throw errors[calls++];
    }, isConnectFailure)).rejects.toBe(errors[1]);
    expect(calls).toBe(2);
  });
});

describe('isConnectFailure', () => {
  it('recognises connection failures on the error or on its cause, and nothing else', () => {
    expect(isConnectFailure(refused())).toBe(true);
    expect(isConnectFailure(new TypeError('fetch failed', { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }))).toBe(true);
    expect(isConnectFailure(Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }))).toBe(true);
    for (const code of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ERESPONSETIMEOUT', 'UND_ERR_SOCKET']) {
      expect(isConnectFailure(Object.assign(new Error(code), { code }))).toBe(false);
    }
    expect(isConnectFailure(new Error('HTTP 503'))).toBe(false);
    expect(isConnectFailure(undefined)).toBe(false);
  });
});
