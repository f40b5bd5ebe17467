import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';
import type { TestServer } from './helpers.ts';

const PYTHON = '/usr/bin/python3';
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pymongo', 'rename.py');
const run = promisify(execFile);

function pymongoMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import pymongo'], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `pymongo is not importable by ${PYTHON}: ${(err as Error).message.split('\n')[0]}`;
  }
}

const skipPymongo = pymongoMissing();
if (skipPymongo) console.warn(`skipping the pymongo renameCollection test: ${skipPymongo}`);

describe('renameCollection', () => {
  let t: TestServer;
  let client: MongoClient;

  beforeAll(async () => {
    t = await startTestServer();
    client = await MongoClient.connect(t.server.uri);
  });

  afterAll(async () => {
    await client?.close();
    await t?.stop();
  });

  it('moves documents and indexes to the new name and survives a restart', async () => {
    const db = client.db('rename_move');
    await db.collection('orders.rebuild').createIndex({ status: 1, createdAt: -1 }, { name: 'by_status' });
    await db.collection('orders.rebuild').insertMany([{ _id: 'o1' as never, status: 'PENDING' }, { _id: 'o2' as never, status: 'CONFIRMED' }]);
    await db.renameCollection('orders.rebuild', 'orders');

    const names = (await db.listCollections().toArray()).map((c) => c.name);
    expect(names).toEqual(['orders']);
    expect(await db.collection('orders').find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'o1', status: 'PENDING' },
      { _id: 'o2', status: 'CONFIRMED' },
    ]);
    expect((await db.collection('orders').indexes()).map((i) => i.name)).toEqual(['_id_', 'by_status']);

    await client.close();
    await t.restart();
    client = await MongoClient.connect(t.server.uri);
    const after = client.db('rename_move');
    expect((await after.listCollections().toArray()).map((c) => c.name)).toEqual(['orders']);
    expect(await after.collection('orders').countDocuments({ status: 'CONFIRMED' })).toBe(1);
  });

  it('replaces an existing target only with dropTarget, in one step', async () => {
    const db = client.db('rename_swap');
    await db.collection('live').insertMany([{ _id: 'a' as never, v: 1 }, { _id: 'stale' as never, v: 1 }]);
    await db.collection('fresh').insertOne({ _id: 'a' as never, v: 2 });

    const refused = await db.renameCollection('fresh', 'live').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MongoServerError);
    expect((refused as MongoServerError).code).toBe(48);
    expect(await db.collection('live').countDocuments()).toBe(2);

    await db.renameCollection('fresh', 'live', { dropTarget: true });
    expect(await db.collection('live').find({}).toArray()).toEqual([{ _id: 'a', v: 2 }]);
    expect((await db.listCollections().toArray()).map((c) => c.name)).toEqual(['live']);
  });

  it('refuses a missing source and a rename to itself, changing nothing', async () => {
    const db = client.db('rename_errors');
    await db.collection('kept').insertOne({ _id: 'k' as never });
    const missing = await db.renameCollection('nothing', 'other').catch((error: unknown) => error);
    expect((missing as MongoServerError).code).toBe(26);
    // As a plain command: the driver's renameCollection() rewrites any code 20 of a write into
    // its "no retryable writes" message, as it would against a real server.
    const admin = client.db('admin');
    const itself = await admin.command({ renameCollection: 'rename_errors.kept', to: 'rename_errors.kept', dropTarget: true }).catch((error: unknown) => error);
    expect((itself as MongoServerError).code).toBe(20);
    const badTarget = await admin.command({ renameCollection: 'rename_errors.kept', to: 'nodot' }).catch((error: unknown) => error);
    expect((badTarget as MongoServerError).code).toBe(73);
    expect(await db.collection('kept').countDocuments()).toBe(1);
  });

  it.skipIf(skipPymongo !== undefined)('answers pymongo (an independent client) the same way', async () => {
    const { stdout } = await run(PYTHON, [script, t.server.uri, 'rename_py'], { timeout: 30_000 });
    const out = JSON.parse(stdout.trim()) as { ok: boolean; names: string[]; docs: unknown[]; indexes: string[] };
    expect(out).toEqual({
      ok: true,
      names: ['live'],
      docs: [
        { _id: 'a', v: 2 },
        { _id: 'b', v: 2 },
        { _id: 'c', v: 2 },
      ],
      indexes: ['_id_', 'v_1'],
    });
  });
});
