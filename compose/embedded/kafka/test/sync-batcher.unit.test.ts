// Group commit: SyncBatcher with a fake fsync whose completion the test controls, so the
// "which caller waits for which fsync" rules are checked exactly, without a disk.
import { describe, expect, it } from 'vitest';
import { SyncBatcher } from '../src/storage/sync-batcher.ts';

/** A fake fsync: records each call; the test settles them one by one. */
function fakeFsync() {
  const calls: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const fsync = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { calls, fsync };
}

/** Lets queued promise callbacks run (the batcher starts an fsync at the end of the tick). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Tracks whether a promise has settled yet, and how. */
function watch(p: Promise<void>) {
  const state = { done: false, error: null as Error | null };
  p.then(
    () => void (state.done = true),
    (err: Error) => {
      state.done = true;
      state.error = err;
    },
  );
  return state;
}

describe('SyncBatcher (fsync group commit)', () => {
  it('runs one fsync for three calls made in the same tick', async () => {
    const { calls, fsync } = fakeFsync();
    const batcher = new SyncBatcher(fsync);
    const waits = [batcher.sync(), batcher.sync(), batcher.sync()].map(watch);
    await settle();
    expect(calls).toHaveLength(1);
    expect(waits.some((w) => w.done)).toBe(false);
    calls[0]!.resolve();
    await settle();
    expect(waits.every((w) => w.done && w.error === null)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('makes calls arriving during a running fsync share the next one, started after it', async () => {
    const { calls, fsync } = fakeFsync();
    const batcher = new SyncBatcher(fsync);
    const first = watch(batcher.sync());
    await settle();
    expect(calls).toHaveLength(1); // running now
    // Their writes may have landed after the running fsync started: it must not count for them.
    const late = [batcher.sync(), batcher.sync()].map(watch);
    await settle();
    expect(calls).toHaveLength(1); // the next one waits for the running one to finish
    calls[0]!.resolve();
    await settle();
    expect(first.done).toBe(true);
    expect(late.some((w) => w.done)).toBe(false);
    expect(calls).toHaveLength(2); // one shared fsync for both late callers
    calls[1]!.resolve();
    await settle();
    expect(late.every((w) => w.done && w.error === null)).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('fails exactly the callers of a failed fsync, and the next call gets a fresh fsync', async () => {
    const { calls, fsync } = fakeFsync();
    const batcher = new SyncBatcher(fsync);
    const failed = [batcher.sync(), batcher.sync()].map(watch);
    await settle();
    calls[0]!.reject(new Error('EIO'));
    await settle();
    expect(failed.map((w) => w.error?.message)).toEqual(['EIO', 'EIO']);
    const next = watch(batcher.sync());
    await settle();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve();
    await settle();
    expect(next).toEqual({ done: true, error: null });
  });

  it('idle() resolves only once no fsync is running or queued', async () => {
    const { calls, fsync } = fakeFsync();
    const batcher = new SyncBatcher(fsync);
    void batcher.sync();
    await settle();
    void batcher.sync(); // queued behind the running one
    const idle = watch(batcher.idle());
    calls[0]!.resolve();
    await settle();
    expect(idle.done).toBe(false); // the queued fsync has started now
    calls[1]!.resolve();
    await settle();
    expect(idle.done).toBe(true);
  });
});
