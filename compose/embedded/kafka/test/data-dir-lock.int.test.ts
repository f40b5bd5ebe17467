// Two brokers on one data directory would both append to the segment files and rewrite
// offsets.jsonl: the second must refuse, naming the holder; once the first stops, it may start.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../src/storage/data-dir-lock.ts';
import { spawnChildBroker, type ChildBroker } from './helpers/child-broker.ts';
import { startTestBroker } from './helpers/in-process-broker.ts';
import { makeTempDir } from './helpers/temp-dir.ts';
import { startZombie } from './helpers/zombie.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('data directory lock', () => {
  it('refuses a second broker on the same directory with the holder pid, and allows it after the first stops', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    const first = await startTestBroker({ dataDir: dir.path });
    cleanups.push(() => first.close({ removeData: false }));
    expect((await readFile(join(dir.path, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));

    await expect(startTestBroker({ dataDir: dir.path })).rejects.toThrow(
      new RegExp(`data directory .* is in use by another broker \\(pid ${process.pid}`),
    );
    // The refused start left the holder's lock alone.
    expect((await readFile(join(dir.path, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));

    await first.close({ removeData: false });
    const second = await startTestBroker({ dataDir: dir.path });
    cleanups.push(() => second.close({ removeData: false }));
    await second.close({ removeData: false });
  });

  it('a second broker process exits with a clear message; a lock left by a killed broker is taken over', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    const first: ChildBroker = await spawnChildBroker({ dataDir: dir.path, fsync: 'never' });
    cleanups.push(() => first.kill());
    const holder = first.child.pid;
    const refused = await spawnChildBroker({ dataDir: dir.path, fsync: 'never', readyTimeoutMs: 20_000 }).then(
      (unexpected) => {
        cleanups.push(() => unexpected.kill());
        return null;
      },
      (error: Error) => error.message,
    );
    expect(refused).toMatch(new RegExp(`in use by another broker \\(pid ${holder}`));

    await first.kill(); // SIGKILL: the lock file stays behind
    expect((await readFile(join(dir.path, LOCK_FILE), 'utf8')).trim()).toBe(String(holder));
    const second = await spawnChildBroker({ dataDir: dir.path, fsync: 'never' });
    cleanups.push(() => second.kill());
    expect(second.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await readFile(join(dir.path, LOCK_FILE), 'utf8')).trim()).toBe(String(second.child.pid));
    await second.kill();
  });

  it('takes over a lock whose holder is a zombie: a broker killed with SIGKILL that its parent has not reaped yet', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => dir.remove());
    const zombie = await startZombie();
    try {
      await writeFile(join(dir.path, LOCK_FILE), `${zombie.pid}\n`);
      const broker = await startTestBroker({ dataDir: dir.path });
      cleanups.push(() => broker.close({ removeData: false }));
      expect((await readFile(join(dir.path, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
      await broker.close({ removeData: false });
    } finally {
      zombie.end();
    }
  });
});
