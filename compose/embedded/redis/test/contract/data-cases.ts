import { expect } from 'vitest';
import { attempt, contractCase, sleep, type ContractCase } from './harness.ts';

const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const NOT_INTEGER = { error: 'ERR value is not an integer or out of range' };
const SYNTAX = { error: 'ERR syntax error' };

/** Strings, SET options, counts, integers, hashes and expiry: the data side of the contract. */
export const dataCases: ContractCase[] = [
  contractCase('SET options NX, XX, GET, EX, PX, KEEPTTL and their errors', async ({ client, key }) => {
    const k = key('k');
    return {
      nxOnMissing: await client.set(k, 'v1', 'NX'),
      nxOnExisting: await client.set(k, 'v2', 'NX'),
      xxOnMissing: await client.set(key('missing'), 'v', 'XX'),
      xxOnExisting: await client.set(k, 'v3', 'XX'),
      getOld: await client.set(k, 'v4', 'GET'),
      getOnMissing: await client.set(key('fresh'), 'x', 'GET'),
      afterGet: await client.get(k),
      exSet: await client.set(k, 'v5', 'EX', 100),
      ttlAfterEx: await client.ttl(k),
      keepTtl: await client.set(k, 'v6', 'KEEPTTL'),
      ttlAfterKeepTtl: await client.ttl(k),
      plainSetDropsTtl: [await client.set(k, 'v7'), await client.ttl(k)],
      pxSet: await client.set(k, 'v8', 'PX', 20_000),
      pttlInRange: await client.pttl(k).then((ms) => ms > 19_000 && ms <= 20_000),
      nxAndXx: await attempt(client.call('SET', k, 'v', 'NX', 'XX')),
      exZero: await attempt(client.call('SET', k, 'v', 'EX', '0')),
      exNotNumber: await attempt(client.call('SET', k, 'v', 'EX', 'soon')),
      exMissingValue: await attempt(client.call('SET', k, 'v', 'EX')),
      unknownOption: await attempt(client.call('SET', k, 'v', 'FOREVER')),
      binary: await client.set(key('bin'), Buffer.from([0, 255, 13, 10])).then(() => client.getBuffer(key('bin'))),
    };
  }, (t) => {
    expect(t.nxOnMissing).toBe('OK');
    expect(t.nxOnExisting).toBeNull();
    expect(t.xxOnMissing).toBeNull();
    expect(t.xxOnExisting).toBe('OK');
    expect(t.getOld).toBe('v3');
    expect(t.getOnMissing).toBeNull();
    expect(t.afterGet).toBe('v4');
    expect([t.exSet, t.ttlAfterEx, t.keepTtl, t.ttlAfterKeepTtl]).toEqual(['OK', 100, 'OK', 100]);
    expect(t.plainSetDropsTtl).toEqual(['OK', -1]);
    expect([t.pxSet, t.pttlInRange]).toEqual(['OK', true]);
    expect(t.nxAndXx).toEqual(SYNTAX);
    expect(t.exZero).toEqual({ error: "ERR invalid expire time in 'set' command" });
    expect(t.exNotNumber).toEqual(NOT_INTEGER);
    expect(t.exMissingValue).toEqual(SYNTAX);
    expect(t.unknownOption).toEqual(SYNTAX);
    expect([...t.binary!]).toEqual([0, 255, 13, 10]);
  }),

  contractCase('MGET, DEL and EXISTS count what they find', async ({ client, key }) => {
    await client.set(key('a'), '1');
    await client.set(key('b'), '2');
    await client.hset(key('h'), 'f', 'v');
    return {
      mget: await client.mget(key('a'), key('missing'), key('h'), key('b')),
      existsWithRepeats: await client.exists(key('a'), key('a'), key('missing'), key('h')),
      del: await client.del(key('a'), key('missing'), key('h')),
      delAgain: await client.del(key('a')),
      existsAfter: await client.exists(key('a'), key('b'), key('h')),
      noArgs: await attempt(client.call('DEL')),
    };
  }, (t) => {
    expect(t.mget).toEqual(['1', null, null, '2']);
    expect(t.existsWithRepeats).toBe(3);
    expect(t.del).toBe(2);
    expect(t.delAgain).toBe(0);
    expect(t.existsAfter).toBe(1);
    expect(t.noArgs).toEqual({ error: "ERR wrong number of arguments for 'del' command" });
  }),

  contractCase('INCR family counts and refuses non-integers and overflow', async ({ client, key }) => {
    const n = key('n');
    const steps = [await client.incr(n), await client.incrby(n, 10), await client.decr(n), await client.decrby(n, 5)];
    await client.set(key('text'), 'abc');
    await client.set(key('spaced'), ' 1');
    await client.set(key('max'), '9223372036854775807');
    await client.set(key('counter'), '41', 'EX', 100);
    return {
      steps,
      stored: await client.get(n),
      onText: await attempt(client.incr(key('text'))),
      onSpaced: await attempt(client.incr(key('spaced'))),
      badDelta: await attempt(client.call('INCRBY', n, '1.5')),
      overflow: await attempt(client.incr(key('max'))),
      keepsTtl: [await client.incr(key('counter')), await client.ttl(key('counter'))],
      negativeFromMissing: await client.decrby(key('neg'), 7),
    };
  }, (t) => {
    expect(t.steps).toEqual([1, 11, 10, 5]);
    expect(t.stored).toBe('5');
    expect(t.onText).toEqual(NOT_INTEGER);
    expect(t.onSpaced).toEqual(NOT_INTEGER);
    expect(t.badDelta).toEqual(NOT_INTEGER);
    expect(t.overflow).toEqual({ error: 'ERR increment or decrement would overflow' });
    expect(t.keepsTtl).toEqual([42, 100]);
    expect(t.negativeFromMissing).toBe(-7);
  }),

  contractCase('WRONGTYPE across strings and hashes', async ({ client, key }) => {
    await client.hset(key('hash'), 'f', '1');
    await client.set(key('string'), 'v');
    return [
      await attempt(client.get(key('hash'))),
      await attempt(client.incr(key('hash'))),
      await attempt(client.set(key('hash'), 'x', 'GET')),
      await attempt(client.hget(key('string'), 'f')),
      await attempt(client.hset(key('string'), 'f', 'v')),
      await attempt(client.hgetall(key('string'))),
      await client.type(key('hash')),
      await client.type(key('string')),
      await client.type(key('none')),
    ];
  }, (t) => {
    expect(t.slice(0, 6)).toEqual(Array(6).fill(WRONGTYPE));
    expect(t.slice(6)).toEqual(['hash', 'string', 'none']);
  }),

  contractCase('hashes: HSET, HGET, HGETALL, HDEL, HINCRBY', async ({ client, key }) => {
    const h = key('h');
    return {
      added: await client.hset(h, 'a', '1', 'b', '2'),
      updated: await client.hset(h, 'a', '3'),
      hget: [await client.hget(h, 'a'), await client.hget(h, 'zz'), await client.hget(key('none'), 'a')],
      all: await client.hgetall(h),
      incr: [await client.hincrby(h, 'a', 5), await client.hincrby(h, 'c', -2)],
      incrOnText: await client.hset(h, 't', 'x').then(() => attempt(client.hincrby(h, 't', 1))),
      badDelta: await attempt(client.call('HINCRBY', h, 'a', 'x')),
      oddArgs: await attempt(client.call('HSET', h, 'a')),
      deleted: await client.hdel(h, 'a', 'b', 'zz'),
      lenAndExists: [await client.hlen(h), await client.hexists(h, 'c'), await client.hexists(h, 'a')],
      lastFieldDeletesKey: [await client.hdel(h, 'c', 't'), await client.exists(h)],
      allOfMissing: await client.hgetall(key('none')),
    };
  }, (t) => {
    expect(t.added).toBe(2);
    expect(t.updated).toBe(0);
    expect(t.hget).toEqual(['3', null, null]);
    expect(t.all).toEqual({ a: '3', b: '2' });
    expect(t.incr).toEqual([8, -2]);
    expect(t.incrOnText).toEqual({ error: 'ERR hash value is not an integer' });
    expect(t.badDelta).toEqual(NOT_INTEGER);
    expect(t.oddArgs).toEqual({ error: "ERR wrong number of arguments for 'hset' command" });
    expect(t.deleted).toBe(2);
    expect(t.lenAndExists).toEqual([2, 1, 0]);
    expect(t.lastFieldDeletesKey).toEqual([2, 0]);
    expect(t.allOfMissing).toEqual({});
  }),

  contractCase('TTL and PTTL: -2 missing, -1 no expiry, EXPIRE/PERSIST, real expiry', async ({ client, key }) => {
    const k = key('k');
    await client.set(k, 'v');
    const ttls = {
      missing: [await client.ttl(key('none')), await client.pttl(key('none'))],
      noExpiry: [await client.ttl(k), await client.pttl(k)],
      expireMissing: await client.expire(key('none'), 10),
      expire: [await client.expire(k, 100), await client.ttl(k)],
      expireNx: await client.call('EXPIRE', k, '50', 'NX'),
      expireGt: [await client.call('EXPIRE', k, '200', 'GT'), await client.ttl(k)],
      expireLt: [await client.call('EXPIRE', k, '300', 'LT'), await client.call('EXPIRE', k, '150', 'LT'), await client.ttl(k)],
      expireBadOption: await attempt(client.call('EXPIRE', k, '5', 'SOON')),
      persist: [await client.persist(k), await client.ttl(k), await client.persist(k)],
      pexpire: [await client.pexpire(k, 30_000), await client.pttl(k).then((ms) => ms > 29_000 && ms <= 30_000)],
      negativeExpireDeletes: [await client.expire(key('gone'), -1), await client.set(key('gone'), 'x'),
        await client.expire(key('gone'), -1), await client.exists(key('gone'))],
    };
    await client.set(key('short'), 'v', 'PX', 50);
    const beforeExpiry = await client.get(key('short'));
    await sleep(150);
    return {
      ...ttls,
      beforeExpiry,
      afterExpiry: [await client.get(key('short')), await client.exists(key('short')), await client.pttl(key('short'))],
    };
  }, (t) => {
    expect(t.missing).toEqual([-2, -2]);
    expect(t.noExpiry).toEqual([-1, -1]);
    expect(t.expireMissing).toBe(0);
    expect(t.expire).toEqual([1, 100]);
    expect(t.expireNx).toBe(0);
    expect(t.expireGt).toEqual([1, 200]);
    expect(t.expireLt).toEqual([0, 1, 150]);
    expect(t.expireBadOption).toEqual({ error: 'ERR Unsupported option SOON' });
    expect(t.persist).toEqual([1, -1, 0]);
    expect(t.pexpire).toEqual([1, true]);
    expect(t.negativeExpireDeletes).toEqual([0, 'OK', 1, 0]);
    expect(t.beforeExpiry).toBe('v');
    expect(t.afterExpiry).toEqual([null, 0, -2]);
  }),

  contractCase('a 5 MB binary value round-trips intact, also through SET GET', async ({ client, key }) => {
    const big = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 256;
    await client.set(key('big'), big);
    const back = await client.getBuffer(key('big'));
    const swapped = await client.setBuffer(key('big'), 'small', 'GET');
    return { sameBack: back?.equals(big), sameSwapped: swapped?.equals(big), now: await client.get(key('big')) };
  }, (t) => {
    expect(t).toEqual({ sameBack: true, sameSwapped: true, now: 'small' });
  }),

  contractCase('expired keys nobody reads are swept actively (DBSIZE drops)', async (h) => {
    const own = await h.connect();
    await own.select(9); // a database of its own, so other cases' keys do not count
    await own.flushdb();
    for (let i = 0; i < 20; i++) await own.set(h.key(`short${i}`), 'v', 'PX', 30);
    await own.set(h.key('stays'), 'v');
    const before = await own.dbsize();
    let after = before;
    for (let round = 0; round < 40 && after > 1; round++) {
      await sleep(50);
      after = await own.dbsize();
    }
    return { before, after };
  }, (t) => {
    expect(t).toEqual({ before: 21, after: 1 });
  }),
];
