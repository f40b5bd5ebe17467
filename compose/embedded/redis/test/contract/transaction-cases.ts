import { expect } from 'vitest';
import { attempt, contractCase, type ContractCase } from './harness.ts';

/** MULTI/EXEC/DISCARD and WATCH, through ioredis' own transaction API where it has one. */
export const transactionCases: ContractCase[] = [
  contractCase('MULTI/EXEC: queued replies, errors inline, EXECABORT, DISCARD', async ({ client, key, connect }) => {
    const k = key('k');
    const own = await connect();
    const asPairs = (results: Array<[Error | null, unknown]> | null) =>
      results?.map(([error, value]) => (error === null ? value : { error: error.message }));
    const committed = asPairs(await client.multi().set(k, '1').incr(k).hget(k, 'f').exec());
    const aborted = await attempt(client.multi().set(k, '5').call('INCRBY', k).exec());
    const afterAbort = await client.get(k);
    const discarded = [await own.call('MULTI'), await own.call('SET', k, 'x'), await own.call('DISCARD')];
    const afterDiscard = await client.get(k);
    const outside = [await attempt(client.call('EXEC')), await attempt(client.call('DISCARD'))];
    return { committed, aborted, afterAbort, discarded, afterDiscard, outside };
  }, (t) => {
    expect(t.committed).toEqual(['OK', 2, { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' }]);
    expect(t.aborted).toEqual({ error: 'EXECABORT Transaction discarded because of previous errors.' });
    expect(t.afterAbort).toBe('2');
    expect(t.discarded).toEqual(['OK', 'QUEUED', 'OK']);
    expect(t.afterDiscard).toBe('2');
    expect(t.outside).toEqual([{ error: 'ERR EXEC without MULTI' }, { error: 'ERR DISCARD without MULTI' }]);
  }),


  contractCase('WATCH: a change by anyone, even the watcher, makes EXEC return nil', async ({ client, key, connect }) => {
    const k = key('balance');
    const [watcher, other] = [await connect(), await connect()];
    await client.set(k, '10');
    await watcher.watch(k);
    await other.incrby(k, 5);
    const afterOtherWrite = await watcher.multi().set(k, '0').exec();
    await watcher.watch(k, key('untouched'));
    const untouched = await watcher.multi().incr(k).exec();
    await watcher.watch(k);
    await watcher.set(k, 'mine');
    const afterOwnWrite = await watcher.multi().get(k).exec();
    await watcher.watch(k);
    await watcher.unwatch();
    await other.set(k, 'theirs');
    const afterUnwatch = await watcher.multi().get(k).exec();
    const insideMulti = [await watcher.call('MULTI'), await attempt(watcher.call('WATCH', k)), await watcher.call('EXEC')];
    return { afterOtherWrite, untouched, afterOwnWrite, afterUnwatch, insideMulti, final: await client.get(k) };
  }, (t) => {
    expect(t.afterOtherWrite).toBeNull();
    expect(t.untouched).toEqual([[null, 16]]);
    expect(t.afterOwnWrite).toBeNull();
    expect(t.afterUnwatch).toEqual([[null, 'theirs']]);
    expect(t.insideMulti).toEqual(['OK', { error: 'ERR WATCH inside MULTI is not allowed' }, []]);
    expect(t.final).toBe('theirs');
  }),
];
