import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRotatingFile } from './rotating-file.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-rotating-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('createRotatingFile', () => {
  it('appends in call order, creating the directory', async () => {
    const file = createRotatingFile(path.join(dir, 'traces', 'order.jsonl'), 1000);
    await Promise.all(['a\n', 'b\n', 'c\n'].map((line) => file.append(line)));
    await file.close();
    expect(await readFile(path.join(dir, 'traces', 'order.jsonl'), 'utf8')).toBe('a\nb\nc\n');
  });

  it('moves the file aside before it would pass the limit, keeping one old file', async () => {
    const name = path.join(dir, 'order.jsonl');
    const file = createRotatingFile(name, 10);
    for (const line of ['11111\n', '22222\n', '33333\n', '44444\n']) await file.append(line);
    await file.close();
    expect((await readdir(dir)).sort()).toEqual(['order.jsonl', 'order.old.jsonl']);
    expect(await readFile(name, 'utf8')).toBe('44444\n');
    expect(await readFile(path.join(dir, 'order.old.jsonl'), 'utf8')).toBe('33333\n');
  });

  it('counts what the file already held when it was opened', async () => {
    const name = path.join(dir, 'order.jsonl');
    const first = createRotatingFile(name, 10);
    await first.append('11111\n');
    await first.close();
    const second = createRotatingFile(name, 10);
    await second.append('22222\n');
    await second.close();
    expect(await readFile(name, 'utf8')).toBe('22222\n');
    expect(await readFile(path.join(dir, 'order.old.jsonl'), 'utf8')).toBe('11111\n');
  });
});
