import { expect } from 'vitest';
import type { Redis } from 'ioredis';
import { attempt, contractCase, waitUntil, type ContractCase } from './harness.ts';

type Received = Array<[string, ...string[]]>;

/** Records every message and pmessage a subscriber connection receives, in order. */
function record(subscriber: Redis): Received {
  const received: Received = [];
  subscriber.on('message', (channel: string, message: string) => received.push(['message', channel, message]));
  subscriber.on('pmessage', (pattern: string, channel: string, message: string) =>
    received.push(['pmessage', pattern, channel, message]));
  return received;
}

/** Pub/sub, errors for unknown commands and arity, pipelining, connection commands. */
export const protocolCases: ContractCase[] = [
  contractCase('pub/sub: two subscribers, a pattern, receiver counts, unsubscribe stops delivery', async (h) => {
    const [first, second, patterned] = [await h.connect(), await h.connect(), await h.connect()];
    const received = { first: record(first), second: record(second), patterned: record(patterned) };
    const news = h.key('news.sport');
    const subscribed = [
      await first.subscribe(news),
      await second.subscribe(news, h.key('other')),
      await patterned.psubscribe(h.key('news.*'), h.key('*.sport')),
    ];
    const counts = [await h.client.publish(news, 'goal'), await h.client.publish(h.key('news.weather'), 'rain'),
      await h.client.publish(h.key('nobody'), 'hello?')];
    const allArrived = await waitUntil(() =>
      received.first.length === 1 && received.second.length === 1 && received.patterned.length === 3);
    const unsubscribed = [await first.unsubscribe(news), await patterned.punsubscribe(h.key('*.sport'))];
    const countsAfter = [await h.client.publish(news, 'second goal')];
    await waitUntil(() => received.second.length === 2 && received.patterned.length === 4);
    // A round trip on each subscriber proves nothing more is on its way.
    const pongs = [await first.ping(), await patterned.ping('still here')];
    // redis-server walks its patterns in hash order, so the order of pmessages produced by one
    // PUBLISH is unspecified: compare them sorted.
    received.patterned.sort((a, b) => a.join('|').localeCompare(b.join('|')));
    return { subscribed, counts, allArrived, unsubscribed, countsAfter, received, pongs };
  }, (t) => {
    expect(t.subscribed).toEqual([1, 2, 2]);
    expect(t.counts).toEqual([4, 1, 0]);
    expect(t.allArrived).toBe(true);
    expect(t.unsubscribed).toEqual([0, 1]);
    expect(t.countsAfter).toEqual([2]);
    expect(t.received.first).toHaveLength(1);
    expect(t.received.first[0]).toEqual(['message', expect.stringMatching(/news\.sport$/), 'goal']);
    expect(t.received.second.map((m) => m[2])).toEqual(['goal', 'second goal']);
    expect(t.received.patterned.map((m) => [m[1]?.split(':').pop(), m[2]?.split(':').pop(), m[3]])).toEqual([
      ['*.sport', 'news.sport', 'goal'],
      ['news.*', 'news.sport', 'goal'],
      ['news.*', 'news.sport', 'second goal'],
      ['news.*', 'news.weather', 'rain'],
    ]);
    // `first` has left subscribe mode, so it gets a plain PONG; in subscribe mode PING is an array.
    expect(t.pongs).toEqual(['PONG', ['pong', 'still here']]);
  }),

  contractCase('unknown command error text', async ({ client }) => [
    await attempt(client.call('FOO', 'a')),
    await attempt(client.call('nosuchcommand')),
    await attempt(client.call('Bar', 'x'.repeat(200), 'y')),
    await attempt(client.call('CLIENT', 'NOPE')),
  ], (t) => {
    expect(t[0]).toEqual({ error: "ERR unknown command 'FOO', with args beginning with: 'a' " });
    expect(t[1]).toEqual({ error: "ERR unknown command 'nosuchcommand', with args beginning with: " });
    expect(t[2]).toEqual({ error: `ERR unknown command 'Bar', with args beginning with: '${'x'.repeat(128)}' ` });
    expect(t[3]).toEqual({ error: "ERR unknown subcommand 'NOPE'. Try CLIENT HELP." });
  }),

  contractCase('wrong number of arguments error text', async ({ client, key }) => [
    await attempt(client.call('GET')),
    await attempt(client.call('GET', key('a'), key('b'))),
    await attempt(client.call('set', key('a'))),
    await attempt(client.call('HGETALL')),
    await attempt(client.call('PING', 'a', 'b')),
    await attempt(client.call('CLIENT', 'SETNAME')),
    await attempt(client.call('SUBSCRIBE')),
  ], (t) => {
    expect(t).toEqual(['get', 'get', 'set', 'hgetall', 'ping', 'client|setname', 'subscribe'].map(
      (name) => ({ error: `ERR wrong number of arguments for '${name}' command` })));
  }),

  contractCase('pipelining 600 commands keeps order and per-command errors', async ({ client, key }) => {
    const pipeline = client.pipeline();
    for (let i = 0; i < 200; i++) {
      pipeline.set(key(`p${i}`), String(i));
      pipeline.incr(key(`p${i}`));
      pipeline.get(key(`p${i}`));
    }
    pipeline.hset(key('p0'), 'f', 'v');
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => (error === null ? value : { error: error.message }));
  }, (t) => {
    expect(t).toHaveLength(601);
    for (let i = 0; i < 200; i++) expect(t.slice(i * 3, i * 3 + 3)).toEqual(['OK', i + 1, String(i + 1)]);
    expect(t[600]).toEqual({ error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  }),

  contractCase('connection commands: PING, ECHO, SELECT, CLIENT names, INFO', async (h) => {
    const own = await h.connect();
    const info = await own.info();
    return {
      ping: [await own.ping(), await own.ping('hi')],
      echo: await own.echo('hello world'),
      setname: [await own.client('SETNAME', 'worker-1'), await own.client('GETNAME')],
      badName: await attempt(own.call('CLIENT', 'SETNAME', 'has space')),
      selectOther: [await own.select(3), await own.set(h.key('db3'), 'x'), await own.get(h.key('db3')),
        await own.select(0), await own.get(h.key('db3'))],
      selectOutOfRange: await attempt(own.call('SELECT', '16')),
      selectNotNumber: await attempt(own.call('SELECT', 'one')),
      infoHasVersion: /^redis_version:7\./m.test(info),
      infoNotLoading: /^loading:0\r?$/m.test(info),
      infoServerSection: (await own.info('server')).startsWith('# Server\r\n'),
      unknownInfoSection: await own.info('nonsense'),
    };
  }, (t) => {
    expect(t.ping).toEqual(['PONG', 'hi']);
    expect(t.echo).toBe('hello world');
    expect(t.setname).toEqual(['OK', 'worker-1']);
    expect(t.badName).toEqual({ error: 'ERR Client names cannot contain spaces, newlines or special characters.' });
    expect(t.selectOther).toEqual(['OK', 'OK', 'x', 'OK', null]);
    expect(t.selectOutOfRange).toEqual({ error: 'ERR DB index is out of range' });
    expect(t.selectNotNumber).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect([t.infoHasVersion, t.infoNotLoading, t.infoServerSection]).toEqual([true, true, true]);
    expect(t.unknownInfoSection).toBe('');
  }),

  contractCase('KEYS and SCAN with glob patterns', async ({ client, key }) => {
    for (const name of ['user:1', 'user:2', 'user:10', 'order:1']) await client.set(key(name), '1');
    const scanned: string[] = [];
    let cursor = '0';
    for (let round = 0; round < 1_000; round++) {
      const [next, keys] = await client.scan(cursor, 'MATCH', key('user:*'), 'COUNT', 100);
      scanned.push(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    return {
      keys: (await client.keys(key('user:?'))).sort(),
      range: (await client.keys(key('user:[12]*'))).sort(),
      scanned: scanned.sort(),
    };
  }, (t) => {
    expect(t.keys.map((k) => k.split(':').pop())).toEqual(['1', '2']);
    expect(t.range).toHaveLength(3);
    expect(t.scanned).toHaveLength(3);
  }),

  contractCase('PUBSUB NUMSUB, NUMPAT and CHANNELS see live subscriptions', async (h) => {
    const [first, second] = [await h.connect(), await h.connect()];
    await first.subscribe(h.key('c1'), h.key('c2'));
    await second.subscribe(h.key('c1'));
    await second.psubscribe(h.key('p*'));
    const numsub = await h.client.call('PUBSUB', 'NUMSUB', h.key('c1'), h.key('c2'), h.key('c3'));
    const numpat = await h.client.call('PUBSUB', 'NUMPAT');
    const channels = ((await h.client.call('PUBSUB', 'CHANNELS', h.key('c*'))) as string[]).sort();
    await first.unsubscribe();
    const numsubAfter = await h.client.call('PUBSUB', 'NUMSUB', h.key('c1'), h.key('c2'));
    return { numsub, numpat, channels, numsubAfter };
  }, (t) => {
    expect(t.numsub).toEqual([expect.stringMatching(/c1$/), 2, expect.stringMatching(/c2$/), 1, expect.stringMatching(/c3$/), 0]);
    expect(t.numpat).toBe(1);
    expect(t.channels.map((name) => name.split(':').pop())).toEqual(['c1', 'c2']);
    expect(t.numsubAfter).toEqual([expect.stringMatching(/c1$/), 1, expect.stringMatching(/c2$/), 0]);
  }),
];
