import fs from 'node:fs/promises';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startMongo } from '../src/index.ts';
import { startCli } from './cli-process.ts';
import type { CliServer } from './cli-process.ts';
import { memoryLogger, startTestServer, tempDir } from './helpers.ts';

const dirs: string[] = [];
const children: CliServer[] = [];

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

async function newDir(): Promise<string> {
  const d = await tempDir();
  dirs.push(d);
  return d;
}

describe('durability', () => {
  it('a graceful restart keeps documents, updates, deletes, indexes and dropped collections', async () => {
    const t = await startTestServer();
    try {
      let client = await MongoClient.connect(t.server.uri);
      const db = client.db('persist');
      await db.collection('a').insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i as never, v: i })));
      await db.collection('a').updateMany({ v: { $lt: 10 } }, { $set: { low: true } });
      await db.collection('a').deleteMany({ v: { $gte: 40 } });
      await db.collection('a').createIndex({ v: -1 }, { unique: true, name: 'v_desc' });
      await db.collection('gone').insertOne({ x: 1 });
      await db.collection('gone').drop();
      await client.close();
      await t.restart();
      client = await MongoClient.connect(t.server.uri);
      const again = client.db('persist');
      expect(await again.collection('a').countDocuments()).toBe(40);
      expect(await again.collection('a').countDocuments({ low: true })).toBe(10);
      expect((await again.collection('a').indexes()).map((i) => [i.name, i.unique ?? false])).toEqual([['_id_', false], ['v_desc', true]]);
      await expect(again.collection('a').insertOne({ v: 5 })).rejects.toMatchObject({ code: 11000 });
      expect((await again.listCollections().toArray()).map((c) => c.name)).toEqual(['a']);
      await client.close();
    } finally {
      await t.stop();
    }
  });

  it('journals a 20 MB insert command (larger than one BSON document) and replays it', async () => {
    const dir = await newDir();
    const cli = await startCli(dir);
    children.push(cli);
    const client = await MongoClient.connect(cli.uri);
    const chunk = 'x'.repeat(1024 * 1024);
    const res = await client.db('big').collection('blobs').insertMany(Array.from({ length: 20 }, (_, i) => ({ i, chunk })));
    expect(res.insertedCount).toBe(20);
    await client.close();
    cli.child.kill('SIGKILL');
    await cli.exited;
    const server = await startMongo({ dataDir: dir, logger: memoryLogger().logger });
    try {
      const reader = await MongoClient.connect(server.uri);
      expect(await reader.db('big').collection('blobs').countDocuments()).toBe(20);
      const docs = await reader.db('big').collection('blobs').find().toArray();
      expect(docs.every((d) => d.chunk === chunk)).toBe(true);
      await reader.close();
    } finally {
      await server.close();
    }
  });

  it('compacts while running (snapshot + journal) and still recovers everything after SIGKILL', async () => {
    const dir = await newDir();
    const cli = await startCli(dir, ['--compact-journal-bytes', '4096']);
    children.push(cli);
    const client = await MongoClient.connect(cli.uri);
    const coll = client.db('compact').collection('c');
    for (let i = 0; i < 150; i++) {
      await coll.insertOne({ _id: i as never, v: i });
      if (i % 3 === 0) await coll.updateOne({ _id: i as never }, { $inc: { v: 1000 } });
      if (i % 10 === 9) await coll.deleteOne({ _id: (i - 1) as never });
    }
    await client.close();
    expect((await fs.stat(path.join(dir, 'snapshot.bin'))).size).toBeGreaterThan(0);
    cli.child.kill('SIGKILL');
    await cli.exited;
    const server = await startMongo({ dataDir: dir, logger: memoryLogger().logger });
    try {
      const reader = await MongoClient.connect(server.uri);
      const docs = await reader.db('compact').collection('c').find().sort({ _id: 1 }).toArray();
      const expected = Array.from({ length: 150 }, (_, i) => i)
        .filter((i) => i % 10 !== 8)
        .map((i) => ({ _id: i, v: i % 3 === 0 ? i + 1000 : i }));
      expect(docs).toEqual(expected);
      await reader.close();
    } finally {
      await server.close();
    }
  });

  it('the CLI stops gracefully on SIGTERM and writes a snapshot', async () => {
    const dir = await newDir();
    const cli = await startCli(dir);
    children.push(cli);
    const client = await MongoClient.connect(cli.uri);
    await client.db('x').collection('y').insertOne({ hello: 'world' });
    await client.close();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const snapshot = await fs.stat(path.join(dir, 'snapshot.bin'));
    expect(snapshot.size).toBeGreaterThan(0);
    expect((await fs.stat(path.join(dir, 'journal.bin'))).size).toBe(0);
  });

  it('every acknowledged write survives SIGKILL during concurrent writes; a torn tail is dropped', async () => {
    const dir = await newDir();
    const cli = await startCli(dir);
    children.push(cli);
    const client = await MongoClient.connect(cli.uri, { maxPoolSize: 8, serverSelectionTimeoutMS: 2000 });
    const coll = client.db('crash').collection('writes');
    await coll.createIndex({ key: 1 }, { unique: true });
    const acknowledged = new Set<string>();
    let stop = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < 5000 && !stop; i++) {
        const key = `w${w}-${i}`;
        try {
          await coll.insertOne({ key, w, i });
          acknowledged.add(key);
          if (i % 5 === 0) {
            await coll.updateOne({ key }, { $set: { updated: true } });
            acknowledged.add(`${key}:updated`);
          }
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    const deadline = Date.now() + 10_000;
    while (acknowledged.size < 400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    cli.child.kill('SIGKILL');
    await cli.exited;
    stop = true;
    await Promise.all(writers);
    await client.close(true);
    expect(acknowledged.size).toBeGreaterThanOrEqual(400);

    // Tear the tail: half a record header plus garbage, as a crash mid-append would leave.
    const journal = path.join(dir, 'journal.bin');
    const sizeBefore = (await fs.stat(journal)).size;
    await fs.appendFile(journal, Buffer.from([0x30, 0x00, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03]));

    const { logger, lines } = memoryLogger();
    const server = await startMongo({ dataDir: dir, logger });
    try {
      expect(lines.some((l) => l.level === 40 && String(l.msg).includes('journal tail is torn'))).toBe(true);
      expect((await fs.stat(journal)).size).toBeLessThanOrEqual(sizeBefore);
      const reader = await MongoClient.connect(server.uri);
      const docs = await reader.db('crash').collection('writes').find().toArray();
      const present = new Set(docs.map((d) => d.key as string));
      const updated = new Set(docs.filter((d) => d.updated).map((d) => d.key as string));
      for (const key of acknowledged) {
        if (key.endsWith(':updated')) expect(updated.has(key.slice(0, -8)), key).toBe(true);
        else expect(present.has(key), key).toBe(true);
      }
      expect((await reader.db('crash').collection('writes').indexes()).map((i) => i.name)).toEqual(['_id_', 'key_1']);
      await reader.close();
    } finally {
      await server.close();
    }
  });

  it('refuses a second server on the same data directory, and a busy port releases the lock', async () => {
    const t = await startTestServer();
    try {
      await expect(startMongo({ dataDir: t.dataDir, logger: memoryLogger().logger })).rejects.toThrow(/in use/);
      const other = await newDir();
      await expect(startMongo({ dataDir: other, port: t.server.port, logger: memoryLogger().logger })).rejects.toThrow(/EADDRINUSE/);
      const again = await startMongo({ dataDir: other, logger: memoryLogger().logger });
      await again.close();
    } finally {
      await t.stop();
    }
  });

  it('a garbage-only journal on an empty data dir starts empty with a warning', async () => {
    const dir = await newDir();
    await fs.writeFile(path.join(dir, 'journal.bin'), Buffer.from('this is not a journal at all'));
    const { logger, lines } = memoryLogger();
    const server = await startMongo({ dataDir: dir, logger });
    try {
      expect(lines.some((l) => l.level === 40)).toBe(true);
      const client = await MongoClient.connect(server.uri);
      expect(await client.db('admin').admin().listDatabases({ nameOnly: true })).toMatchObject({ databases: [] });
      await client.close();
    } finally {
      await server.close();
    }
  });
});
