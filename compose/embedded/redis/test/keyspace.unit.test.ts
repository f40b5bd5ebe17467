import { describe, expect, test } from 'vitest';
import { Keyspace } from '../src/store/keyspace.ts';

function manualClock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

const text = (value: string) => ({ kind: 'string' as const, data: Buffer.from(value) });

describe('Keyspace expiry', () => {
  test('a key is gone once its time has come, even before any sweep', () => {
    const clock = manualClock();
    const db = new Keyspace(clock.now);
    db.set('k', text('v'), { expiresAt: clock.now() + 100 });
    clock.advance(99);
    expect(db.get('k')?.data.toString()).toBe('v');
    clock.advance(1);
    expect(db.get('k')).toBeUndefined();
    expect(db.size).toBe(0);
  });

  test('SET semantics: a plain set drops the TTL, keepTtl keeps it', () => {
    const clock = manualClock();
    const db = new Keyspace(clock.now);
    db.set('k', text('1'), { expiresAt: clock.now() + 100 });
    db.set('k', text('2'), { keepTtl: true });
    expect(db.expiresAt('k')).toBe(clock.now() + 100);
    db.set('k', text('3'));
    expect(db.expiresAt('k')).toBeUndefined();
  });

  test('setting an expiry in the past deletes the key; persist removes a TTL', () => {
    const clock = manualClock();
    const db = new Keyspace(clock.now);
    db.set('a', text('v'));
    db.set('b', text('v'));
    expect(db.setExpiresAt('a', clock.now())).toBe(true);
    expect(db.has('a')).toBe(false);
    expect(db.setExpiresAt('missing', clock.now() + 10)).toBe(false);
    db.setExpiresAt('b', clock.now() + 10);
    expect(db.persist('b')).toBe(true);
    expect(db.persist('b')).toBe(false);
    clock.advance(20);
    expect(db.has('b')).toBe(true);
  });

  test('sweep removes expired keys nobody reads, within its budget, resuming where it stopped', () => {
    const clock = manualClock();
    const db = new Keyspace(clock.now);
    for (let i = 0; i < 10; i++) db.set(`short${i}`, text('v'), { expiresAt: clock.now() + 10 });
    db.set('long', text('v'), { expiresAt: clock.now() + 10_000 });
    db.set('forever', text('v'));
    clock.advance(11);
    expect(db.size).toBe(12); // expired but not yet collected, like Redis DBSIZE
    expect(db.sweep(4)).toBe(4);
    expect(db.size).toBe(8);
    let swept = 0;
    for (let round = 0; round < 10; round++) swept += db.sweep(4);
    expect(swept).toBe(6);
    expect([...db.keys()].sort()).toEqual(['forever', 'long']);
  });

  test('keys() skips expired keys and clear() empties everything', () => {
    const clock = manualClock();
    const db = new Keyspace(clock.now);
    db.set('a', text('v'), { expiresAt: clock.now() + 5 });
    db.set('b', text('v'));
    clock.advance(5);
    expect([...db.keys()]).toEqual(['b']);
    db.clear();
    expect(db.size).toBe(0);
    expect(db.expiringCount).toBe(0);
  });
});

describe('Keyspace watches', () => {
  test('changes mark watchers dirty; no-ops and other keys do not', () => {
    const clock = manualClock();
    const db = new Keyspace(clock.now);
    const watcher = { dirty: false };
    db.set('present', text('v'));
    db.watch('present', watcher);
    db.watch('absent', watcher);
    db.delete('absent');
    db.persist('present');
    db.set('other', text('v'));
    expect(watcher.dirty).toBe(false);
    db.setExpiresAt('present', clock.now() + 1_000);
    expect(watcher.dirty).toBe(true);
  });

  test('clear counts only watched keys that exist; unwatch stops notifications', () => {
    const clock = manualClock();
    const db = new Keyspace(clock.now);
    const onAbsent = { dirty: false };
    const onPresent = { dirty: false };
    const gone = { dirty: false };
    db.set('present', text('v'));
    db.watch('absent', onAbsent);
    db.watch('present', onPresent);
    db.watch('present', gone);
    db.unwatch('present', gone);
    db.clear();
    expect([onAbsent.dirty, onPresent.dirty, gone.dirty]).toEqual([false, true, false]);
  });

  test('expiry found on access counts as a change', () => {
    const clock = manualClock();
    const db = new Keyspace(clock.now);
    const watcher = { dirty: false };
    db.set('k', text('v'), { expiresAt: clock.now() + 10 });
    db.watch('k', watcher);
    clock.advance(10);
    expect(db.has('k')).toBe(false);
    expect(watcher.dirty).toBe(true);
  });
});

