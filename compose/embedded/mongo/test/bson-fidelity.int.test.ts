import { Binary, Decimal128, Double, Int32, Long, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';
import type { TestServer } from './helpers.ts';

// Read back with promoteValues:false so the driver shows exactly which BSON types were stored.
const RAW = { promoteValues: false, promoteLongs: false } as const;

describe('BSON fidelity: types and key order survive storage, updates and restarts', () => {
  let t: TestServer;
  let client: MongoClient;

  beforeAll(async () => {
    t = await startTestServer();
    client = await MongoClient.connect(t.server.uri, { serverSelectionTimeoutMS: 5000 });
  });

  afterAll(async () => {
    await client?.close();
    await t?.stop();
  });

  const coll = () => client.db('fid').collection('things');

  it('keeps Int32, Int64, Double, Decimal128, binary and key order', async () => {
    await coll().insertOne({
      _id: 'a' as never,
      zeta: new Int32(5),
      alpha: Long.fromString('9007199254740993'),
      small: Long.fromNumber(7),
      one: new Double(1),
      half: new Double(2.5),
      dec: Decimal128.fromString('1.10'),
      nested: { z: new Int32(1), a: new Double(2) },
      bin: new Binary(Buffer.from([1, 2, 3]), 4),
    });
    const back = await coll().findOne({ _id: 'a' as never }, RAW);
    expect(Object.keys(back!)).toEqual(['_id', 'zeta', 'alpha', 'small', 'one', 'half', 'dec', 'nested', 'bin']);
    expect(back!.zeta).toBeInstanceOf(Int32);
    expect(back!.alpha).toBeInstanceOf(Long);
    expect((back!.alpha as Long).toString()).toBe('9007199254740993');
    expect(back!.small).toBeInstanceOf(Long);
    expect(back!.one).toBeInstanceOf(Double);
    expect((back!.one as Double).value).toBe(1);
    expect(back!.dec).toBeInstanceOf(Decimal128);
    expect(back!.dec.toString()).toBe('1.10');
    expect(Object.keys(back!.nested)).toEqual(['z', 'a']);
    expect(back!.nested.a).toBeInstanceOf(Double);
    expect(Buffer.from((back!.bin as Binary).buffer)).toEqual(Buffer.from([1, 2, 3]));
    // numbers of different types match each other in queries
    expect(await coll().countDocuments({ one: 1, zeta: new Double(5), small: 7 })).toBe(1);
  });

  it('keeps number types through update operators and overflows int32 into int64', async () => {
    await coll().insertOne({ _id: 'u' as never, i: new Int32(1), d: new Double(1), max: new Int32(2147483647) });
    await coll().updateOne({ _id: 'u' as never }, { $inc: { i: 1, d: 1, max: 1 }, $set: { added: new Double(3) } });
    const back = await coll().findOne({ _id: 'u' as never }, RAW);
    expect(back!.i).toBeInstanceOf(Int32);
    expect((back!.i as Int32).value).toBe(2);
    expect(back!.d).toBeInstanceOf(Double);
    expect((back!.d as Double).value).toBe(2);
    expect(back!.max).toBeInstanceOf(Long);
    expect((back!.max as Long).toNumber()).toBe(2147483648);
    expect(back!.added).toBeInstanceOf(Double);
    expect(Object.keys(back!)).toEqual(['_id', 'i', 'd', 'max', 'added']);
    const projected = await coll().findOne({ _id: 'u' as never }, { ...RAW, projection: { d: 1, i: 1 } });
    expect(Object.keys(projected!)).toEqual(['_id', 'i', 'd']);
    expect(projected!.d).toBeInstanceOf(Double);
  });

  it('aggregation does not alter stored documents and passes unchanged ones through typed', async () => {
    const out = await coll().aggregate([{ $match: { _id: 'u' } }, { $addFields: { extra: 1 } }]).toArray();
    expect(out[0]!.extra).toBe(1);
    const stored = await coll().findOne({ _id: 'u' as never });
    expect(stored!.extra).toBeUndefined();
    const passed = await coll().aggregate([{ $match: { _id: 'a' } }], RAW).toArray();
    expect(passed[0]!.one).toBeInstanceOf(Double);
  });

  it('types and order survive a restart (snapshot and journal)', async () => {
    await client.close();
    await t.restart();
    client = await MongoClient.connect(t.server.uri, { serverSelectionTimeoutMS: 5000 });
    const back = await coll().findOne({ _id: 'a' as never }, RAW);
    expect((back!.alpha as Long).toString()).toBe('9007199254740993');
    expect(back!.one).toBeInstanceOf(Double);
    expect(Object.keys(back!.nested)).toEqual(['z', 'a']);
  });
});
