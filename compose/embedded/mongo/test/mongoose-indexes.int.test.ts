import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';
import type { TestServer } from './helpers.ts';

function eventSchema(): mongoose.Schema {
  const schema = new mongoose.Schema({
    streamId: { type: String, required: true },
    version: { type: Number, required: true },
    type: String,
    email: { type: String, sparse: true, unique: true },
    code: String,
    active: Boolean,
    createdAt: { type: Date, default: () => new Date() },
  });
  schema.index({ streamId: 1, version: 1 }, { unique: true });
  schema.index({ type: 1, createdAt: -1 });
  schema.index({ code: 1 }, { unique: true, partialFilterExpression: { active: true } });
  return schema;
}

function sessionSchema(): mongoose.Schema {
  return new mongoose.Schema({ token: String, expiresAt: { type: Date, expires: 1 } });
}

describe('mongoose indexes', () => {
  let t: TestServer;
  let conn: mongoose.Connection;

  const connect = async (): Promise<void> => {
    conn = await mongoose.createConnection(`${t.server.uri}/idx`, { serverSelectionTimeoutMS: 5000 }).asPromise();
  };

  beforeAll(async () => {
    t = await startTestServer({ ttlIntervalMs: 100 });
    await connect();
  });

  afterAll(async () => {
    await conn?.close();
    await t?.stop();
  });

  it('creates the declared indexes and lists them as created, _id_ first', async () => {
    const Event = conn.model('Event', eventSchema());
    await Event.init();
    const indexes = await conn.db!.collection('events').listIndexes().toArray();
    expect(indexes.map((i) => i.name)).toEqual(['_id_', 'email_1', 'streamId_1_version_1', 'type_1_createdAt_-1', 'code_1']);
    expect(indexes[3]!.key).toEqual({ type: 1, createdAt: -1 });
    expect(Object.keys(indexes[3]!.key)).toEqual(['type', 'createdAt']);
    expect(indexes[1]).toMatchObject({ unique: true, sparse: true });
    expect(indexes[4]).toMatchObject({ unique: true, partialFilterExpression: { active: true } });
  });

  it('syncIndexes after a restart and reconnect changes nothing', async () => {
    await conn.close();
    await t.restart();
    await connect();
    const Event = conn.model('Event', eventSchema());
    const Session = conn.model('Session', sessionSchema());
    await Session.init();
    await Event.init();
    expect(await Event.diffIndexes()).toEqual({ toDrop: [], toCreate: [] });
    expect(await Event.syncIndexes()).toEqual([]);
    expect(await Session.diffIndexes()).toEqual({ toDrop: [], toCreate: [] });
  });

  it('enforces compound unique keys with keyPattern and keyValue', async () => {
    const Event = conn.model('Event');
    await Event.create({ streamId: 's1', version: 1 });
    await Event.create({ streamId: 's1', version: 2 });
    const err = await Event.create({ streamId: 's1', version: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 11000,
      keyPattern: { streamId: 1, version: 1 },
      keyValue: { streamId: 's1', version: 2 },
    });
    expect((err as Error).message).toContain('E11000 duplicate key error collection: idx.events index: streamId_1_version_1 dup key: { streamId: "s1", version: 2 }');
    // 1.0 and 1 are the same key.
    const raw = conn.db!.collection('events');
    await expect(raw.insertOne({ streamId: 's1', version: new mongoose.mongo.Double(1) })).rejects.toMatchObject({ code: 11000 });
  });

  it('sparse and partial unique indexes ignore documents outside them', async () => {
    const Event = conn.model('Event');
    // no email twice: sparse lets both in
    await Event.create({ streamId: 'sp', version: 1 });
    await Event.create({ streamId: 'sp', version: 2 });
    await Event.create({ streamId: 'sp', version: 3, email: 'a@x' });
    await expect(Event.create({ streamId: 'sp', version: 4, email: 'a@x' })).rejects.toMatchObject({ code: 11000, keyPattern: { email: 1 } });
    // same code allowed while inactive, refused for a second active one
    await Event.create({ streamId: 'p', version: 1, code: 'X', active: false });
    await Event.create({ streamId: 'p', version: 2, code: 'X', active: true });
    await expect(Event.create({ streamId: 'p', version: 3, code: 'X', active: true })).rejects.toMatchObject({ code: 11000, keyPattern: { code: 1 } });
    // an update that would collide changes nothing
    await expect(Event.updateOne({ streamId: 'p', version: 1 }, { $set: { active: true } })).rejects.toMatchObject({ code: 11000 });
    expect(((await Event.findOne({ streamId: 'p', version: 1 }).lean()) as { active?: boolean } | null)?.active).toBe(false);
  });

  it('createIndex on data that has duplicates fails and creates nothing', async () => {
    const raw = conn.db!.collection('dups');
    await raw.insertMany([{ k: 1 }, { k: 1 }]);
    await expect(raw.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await raw.indexes()).map((i) => i.name)).toEqual(['_id_']);
    await raw.createIndex({ k: 1 }, { name: 'k_plain' });
    await expect(raw.createIndex({ other: 1 }, { name: 'k_plain' })).rejects.toMatchObject({ code: 86 });
    await expect(raw.createIndex({ k: 1 }, { name: 'k_again' })).rejects.toMatchObject({ code: 85 });
    expect(await raw.createIndex({ k: 1 }, { name: 'k_plain' })).toBe('k_plain');
    await raw.dropIndexes();
    expect((await raw.indexes()).map((i) => i.name)).toEqual(['_id_']);
    await expect(raw.dropIndex('nope_1')).rejects.toMatchObject({ code: 27 });
    await expect(conn.db!.collection('missing').indexes()).rejects.toMatchObject({ code: 26 });
  });

  it('TTL index removes expired documents on its timer', async () => {
    const Session = conn.model('Session');
    await Session.create({ token: 'old', expiresAt: new Date(Date.now() - 5000) });
    await Session.create({ token: 'new', expiresAt: new Date(Date.now() + 60_000) });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (await Session.countDocuments({ token: 'old' })) > 0) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await Session.countDocuments({ token: 'old' })).toBe(0);
    expect(await Session.countDocuments({ token: 'new' })).toBe(1);
  });
});
