import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { BSON, Decimal128, Double, Int32, Long, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';
import type { TestServer } from './helpers.ts';

const PYTHON = '/usr/bin/python3';
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pymongo', 'client.py');
const run = promisify(execFile);

function pymongoMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import pymongo'], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `pymongo is not importable by ${PYTHON}: ${(err as Error).message.split('\n')[0]}`;
  }
}

const skipReason = pymongoMissing();
if (skipReason) console.warn(`skipping pymongo tests: ${skipReason}`);

async function py(uri: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(PYTHON, [script, uri, ...args], { timeout: 30_000 });
  return BSON.EJSON.parse(stdout.trim(), { relaxed: false }) as Record<string, unknown>;
}

describe.skipIf(skipReason !== undefined)('pymongo (independent client) against the embedded server', () => {
  let t: TestServer;
  let conn: mongoose.Connection;

  beforeAll(async () => {
    t = await startTestServer();
    conn = await mongoose.createConnection(`${t.server.uri}/cross`, { serverSelectionTimeoutMS: 5000 }).asPromise();
  });

  afterAll(async () => {
    await conn?.close();
    await t?.stop();
  });

  it('insert / find / update / aggregate / create_index round trip', async () => {
    const out = await py(t.server.uri, 'roundtrip');
    expect(out).toMatchObject({ ok: true });
    expect(Number(out.count)).toBe(21);
  });

  it('pymongo reads what mongoose wrote, with the same values', async () => {
    const Person = conn.model('Person', new mongoose.Schema({
      _id: String,
      name: String,
      age: Number,
      score: Number,
      born: Date,
      tags: [String],
      address: { city: String, zip: String },
      active: Boolean,
    }));
    const born = new Date('1990-02-03T04:05:06.789Z');
    await Person.create({ _id: 'm1', name: 'Zoë', age: 34, score: 9.75, born, tags: ['a', 'b'], address: { city: 'Oslo', zip: '0150' }, active: true });
    const out = await py(t.server.uri, 'read', 'cross', 'people');
    const docs = out.docs as Array<Record<string, unknown>>;
    expect(docs).toHaveLength(1);
    const d = docs[0]!;
    expect(d).toMatchObject({ _id: 'm1', name: 'Zoë', tags: ['a', 'b'], address: { city: 'Oslo', zip: '0150' }, active: true });
    expect(d.age).toBeInstanceOf(Int32);
    expect((d.age as Int32).value).toBe(34);
    expect(d.score).toBeInstanceOf(Double);
    expect((d.score as Double).value).toBe(9.75);
    expect((d.born as Date).getTime()).toBe(born.getTime());
  });

  it('mongoose reads what pymongo wrote, keeping Python types', async () => {
    await py(t.server.uri, 'write', 'cross', 'frompy');
    const client = await MongoClient.connect(t.server.uri);
    try {
      const docs = await client.db('cross').collection('frompy').find({}, { promoteValues: false, promoteLongs: false }).sort({ _id: 1 }).toArray();
      expect(docs.map((d) => d._id)).toEqual(['py1', 'py2']);
      const [a, b] = docs;
      expect(a!.int).toBeInstanceOf(Int32);
      expect((a!.int as Int32).value).toBe(42);
      expect(a!.float).toBeInstanceOf(Double);
      expect((a!.float as Double).value).toBe(1);
      expect(a!.long).toBeInstanceOf(Long);
      expect((a!.long as Long).toNumber()).toBe(2 ** 40);
      expect(a!.dec).toBeInstanceOf(Decimal128);
      expect(a!.dec.toString()).toBe('12.50');
      expect((a!.when as Date).toISOString()).toBe('2024-05-06T07:08:09.123Z');
      expect(Object.keys(a!.nested)).toEqual(['b', 'a']);
      expect(String(a!.oid)).toBe('64b7f0c2a1b2c3d4e5f60718');
      expect(b!.text).toBe('héllo');
      const Model = conn.model('FromPy', new mongoose.Schema({ _id: String, int: Number, float: Number }), 'frompy');
      const viaMongoose = await Model.findById('py2').lean();
      expect(viaMongoose).toMatchObject({ int: -7, float: 2.5 });
      // and pymongo sees mongoose's update
      await Model.updateOne({ _id: 'py2' }, { $inc: { int: 10 } });
      const again = await py(t.server.uri, 'read', 'cross', 'frompy');
      const py2 = (again.docs as Array<Record<string, unknown>>)[1]!;
      expect((py2.int as Int32).value).toBe(3);
    } finally {
      await client.close();
    }
  });
});
