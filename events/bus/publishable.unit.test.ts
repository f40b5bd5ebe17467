import { describe, expect, it } from 'vitest';
import { withoutOvertakers } from './publishable.ts';

const commit = (streamId: string, fromVersion: number) => ({ streamId, fromVersion });

describe('withoutOvertakers', () => {
  it('keeps the whole batch when no older commit is pending elsewhere', () => {
    const batch = [commit('a', 1), commit('b', 1), commit('a', 3)];
    expect(withoutOvertakers(batch, [commit('a', 9)])).toEqual(batch);
  });

  it('drops the commits of a stream that would overtake a pending predecessor', () => {
    const batch = [commit('a', 1), commit('b', 4), commit('a', 5), commit('b', 7)];
    // b@2 was not scanned yet: b@4 and b@7 must wait for it; a is unaffected.
    expect(withoutOvertakers(batch, [commit('b', 2), commit('b', 3), commit('a', 8)])).toEqual([commit('a', 1), commit('a', 5)]);
  });

  it('keeps commits older than the first pending one of their stream', () => {
    expect(withoutOvertakers([commit('a', 1), commit('a', 4)], [commit('a', 3)])).toEqual([commit('a', 1)]);
  });
});
