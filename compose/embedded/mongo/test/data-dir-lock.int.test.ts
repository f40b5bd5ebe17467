import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { lockDataDir } from '../src/store/data-dir-lock.ts';
// The kafka package's helper: both embedded servers lock their data directory the same way.
import { startZombie } from '../../kafka/test/helpers/zombie.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it('takes over a lock whose holder is a zombie (killed, not yet reaped), and refuses one held by a live process', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mongo-lock-'));
  dirs.push(dir);
  const zombie = await startZombie();
  try {
    await writeFile(path.join(dir, 'server.lock'), String(zombie.pid));
    const release = await lockDataDir(dir);
    expect((await readFile(path.join(dir, 'server.lock'), 'utf8')).trim()).toBe(String(process.pid));
    await release();
  } finally {
    zombie.end();
  }
  const live = spawn('sleep', ['30']);
  try {
    await writeFile(path.join(dir, 'server.lock'), String(live.pid));
    await expect(lockDataDir(dir)).rejects.toThrow(`in use by process ${live.pid}`);
  } finally {
    live.kill('SIGKILL');
  }
});
