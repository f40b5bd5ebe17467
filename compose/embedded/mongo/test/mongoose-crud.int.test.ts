import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';
import type { TestServer } from './helpers.ts';

const productSchema = new mongoose.Schema({
  sku: { type: String, required: true, unique: true },
  name: String,
  price: Number,
  stock: { type: Number, default: 0 },
  tags: [String],
  version: { type: Number, default: 0 },
});

const productModel = (c: mongoose.Connection) => c.model('Product', productSchema);

describe('mongoose CRUD against the embedded server', () => {
  let t: TestServer;
  let conn: mongoose.Connection;
  let Product: ReturnType<typeof productModel>;

  beforeAll(async () => {
    t = await startTestServer();
    conn = await mongoose.createConnection(`${t.server.uri}/crud`, { serverSelectionTimeoutMS: 5000 }).asPromise();
    Product = productModel(conn);
    await Product.init();
  });

  afterAll(async () => {
    await conn?.close();
    await t?.stop();
  });

  it('creates, reads with filter/sort/skip/limit/projection, updates and deletes', async () => {
    await Product.create({ sku: 'a', name: 'Apple', price: 3, tags: ['fruit'] });
    await Product.insertMany([
      { sku: 'b', name: 'Banana', price: 1, tags: ['fruit', 'yellow'] },
      { sku: 'c', name: 'Carrot', price: 2, tags: ['veg'] },
      { sku: 'd', name: 'Date', price: 5, tags: ['fruit'] },
    ]);
    const fruit = await Product.find({ tags: 'fruit' }).sort({ price: -1 }).skip(1).limit(2).select({ name: 1 }).lean();
    expect(fruit.map((p) => p.name)).toEqual(['Apple', 'Banana']);
    expect(Object.keys(fruit[0]!)).toEqual(['_id', 'name']);

    const one = await Product.findOne({ sku: 'c' }).lean();
    expect(one?.price).toBe(2);

    const upd = await Product.updateMany({ tags: 'fruit' }, { $inc: { stock: 10 } });
    expect(upd).toMatchObject({ matchedCount: 3, modifiedCount: 3 });
    const same = await Product.updateOne({ sku: 'a' }, { $set: { name: 'Apple' } });
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    await Product.updateOne({ sku: 'b' }, { $push: { tags: 'sweet' } });
    await Product.updateOne({ sku: 'b' }, { $pull: { tags: 'yellow' } });
    // Two operators on one path is a conflict on the real server too.
    await expect(Product.updateOne({ sku: 'b' }, { $push: { tags: 'x' }, $pull: { tags: 'y' } })).rejects.toMatchObject({ code: 40 });
    expect((await Product.findOne({ sku: 'b' }).lean())?.tags).toEqual(['fruit', 'sweet']);

    const doc = await Product.findOne({ sku: 'd' });
    doc!.price = 6;
    await doc!.save();
    expect((await Product.findById(doc!._id).lean())?.price).toBe(6);

    expect(await Product.countDocuments({ stock: { $gte: 10 } })).toBe(3);
    expect(await Product.estimatedDocumentCount()).toBe(4);
    expect((await Product.distinct('tags')).sort()).toEqual(['fruit', 'sweet', 'veg']);

    const del = await Product.deleteMany({ price: { $lt: 3 } });
    expect(del.deletedCount).toBe(2);
    expect(await Product.deleteOne({ sku: 'zzz' })).toMatchObject({ deletedCount: 0 });
    expect((await Product.find().sort({ sku: 1 }).lean()).map((p) => p.sku)).toEqual(['a', 'd']);
  });

  it('updates with upsert, $setOnInsert, arrayFilters and replacement', async () => {
    const res = await Product.updateOne(
      { sku: 'u1' },
      { $set: { name: 'Upserted' }, $setOnInsert: { price: 9 } },
      { upsert: true },
    );
    expect(res.upsertedCount).toBe(1);
    await Product.updateOne({ sku: 'u1' }, { $set: { name: 'Again' }, $setOnInsert: { price: 100 } }, { upsert: true });
    const u1 = await Product.findOne({ sku: 'u1' }).lean();
    expect(u1).toMatchObject({ sku: 'u1', name: 'Again', price: 9 });

    await conn.db!.collection('grades').insertOne({ _id: 1 as never, grades: [95, 102, 90, 150] });
    await conn.db!.collection('grades').updateOne(
      { _id: 1 as never },
      { $set: { 'grades.$[el]': 100 } },
      { arrayFilters: [{ el: { $gte: 100 } }] },
    );
    expect((await conn.db!.collection('grades').findOne({ _id: 1 as never }))?.grades).toEqual([95, 100, 90, 100]);

    await conn.db!.collection('grades').updateOne({ _id: 1 as never }, [{ $set: { best: { $max: '$grades' } } }]);
    expect((await conn.db!.collection('grades').findOne({ _id: 1 as never }))?.best).toBe(100);

    await Product.replaceOne({ sku: 'u1' }, { sku: 'u1', name: 'Replaced' });
    const replaced = await Product.findOne({ sku: 'u1' }).lean();
    expect(replaced?.name).toBe('Replaced');
    expect(replaced?.price).toBeUndefined();
  });

  it('positional $ updates, and refuses _id changes (66) and unknown modifiers (9)', async () => {
    const raw = conn.db!.collection('positional');
    await raw.insertOne({ _id: 'p' as never, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 1 }] });
    await raw.updateOne({ _id: 'p' as never, 'items.sku': 'b' }, { $inc: { 'items.$.qty': 4 } });
    expect((await raw.findOne({ _id: 'p' as never }))?.items).toEqual([{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }]);
    await expect(raw.updateOne({ _id: 'p' as never }, { $set: { _id: 'q' } })).rejects.toMatchObject({ code: 66, codeName: 'ImmutableField' });
    await expect(raw.updateOne({ _id: 'p' as never }, { $frobnicate: { a: 1 } } as never)).rejects.toMatchObject({ code: 9, codeName: 'FailedToParse' });
    expect(await raw.countDocuments({ _id: 'p' as never })).toBe(1);
  });

  it('findOneAndUpdate / findOneAndDelete return the right documents', async () => {
    const before = await Product.findOneAndUpdate({ sku: 'f1' }, { $inc: { stock: 1 } }, { upsert: true, returnDocument: 'before' }).lean();
    expect(before).toBeNull();
    const after = await Product.findOneAndUpdate({ sku: 'f1' }, { $inc: { stock: 2 } }, { returnDocument: 'after', projection: { stock: 1 } }).lean();
    expect(after?.stock).toBe(3);
    expect((after as { sku?: string } | null)?.sku).toBeUndefined();
    const removed = await Product.findOneAndDelete({ sku: 'f1' }).lean();
    expect(removed?.stock).toBe(3);
    expect(await Product.findOne({ sku: 'f1' })).toBeNull();
  });

  it('bulkWrite sends mixed operations in one go', async () => {
    const res = await Product.bulkWrite([
      { insertOne: { document: { sku: 'bw1', price: 1 } } },
      { insertOne: { document: { sku: 'bw2', price: 2 } } },
      { updateOne: { filter: { sku: 'bw1' }, update: { $set: { price: 10 } } } },
      { updateOne: { filter: { sku: 'bw3' }, update: { $set: { price: 3 } }, upsert: true } },
      { deleteOne: { filter: { sku: 'bw2' } } },
    ]);
    expect(res).toMatchObject({ insertedCount: 2, matchedCount: 1, modifiedCount: 1, upsertedCount: 1, deletedCount: 1 });
    const docs = await Product.find({ sku: /^bw/ }).sort({ sku: 1 }).lean();
    expect(docs.map((d) => [d.sku, d.price])).toEqual([['bw1', 10], ['bw3', 3]]);
    const unordered = await Product.bulkWrite(
      [{ insertOne: { document: { sku: 'bw1' } } }, { insertOne: { document: { sku: 'bw4' } } }],
      { ordered: false },
    ).catch((e: unknown) => e);
    expect(unordered).toMatchObject({ code: 11000 });
    expect(await Product.countDocuments({ sku: 'bw4' })).toBe(1);
  });

  it('a duplicate _id is a duplicate key error and leaves the stored document alone', async () => {
    const coll = conn.db!.collection('ids');
    await coll.insertOne({ _id: 'x' as never, v: 1 });
    await expect(coll.insertOne({ _id: 'x' as never, v: 2 })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { _id: 1 },
      keyValue: { _id: 'x' },
      message: 'E11000 duplicate key error collection: crud.ids index: _id_ dup key: { _id: "x" }',
    });
    const dup = await Product.create({ sku: 'dup-sku' }).then(() => Product.create({ sku: 'dup-sku' })).catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: 11000, keyPattern: { sku: 1 }, keyValue: { sku: 'dup-sku' } });
    expect(await coll.find().toArray()).toEqual([{ _id: 'x', v: 1 }]);
  });

  it('an upsert guarded by $ne collides on _id once the guard fails (apply-once pattern)', async () => {
    const coll = conn.db!.collection('apply');
    const apply = (eventId: string) =>
      coll.updateOne(
        { _id: 'agg' as never, applied: { $ne: eventId } },
        { $inc: { n: 1 }, $push: { applied: { $each: [eventId], $slice: -2 } } as never },
        { upsert: true },
      );
    expect((await apply('e1')).upsertedCount).toBe(1);
    await expect(apply('e1')).rejects.toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 'agg' } });
    expect((await apply('e2')).modifiedCount).toBe(1);
    expect((await apply('e3')).modifiedCount).toBe(1);
    expect(await coll.findOne({ _id: 'agg' as never })).toEqual({ _id: 'agg', n: 3, applied: ['e2', 'e3'] });
  });

  it('10 concurrent upserts of one key create exactly one document', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        Product.findOneAndUpdate({ sku: 'race' }, { $setOnInsert: { name: 'Race' }, $inc: { stock: 1 } }, { upsert: true, returnDocument: 'after' }).lean(),
      ),
    );
    expect(await Product.countDocuments({ sku: 'race' })).toBe(1);
    expect(new Set(results.map((r) => String(r?._id))).size).toBe(1);
    expect((await Product.findOne({ sku: 'race' }).lean())?.stock).toBe(10);
  });

  it('optimistic concurrency with a versioned filter', async () => {
    const p = await Product.create({ sku: 'occ', name: 'v', version: 3 });
    const ok = await Product.updateOne({ _id: p._id, version: 3 }, { $set: { name: 'v4' }, $inc: { version: 1 } });
    expect(ok.matchedCount).toBe(1);
    const stale = await Product.updateOne({ _id: p._id, version: 3 }, { $set: { name: 'stale' }, $inc: { version: 1 } });
    expect(stale.matchedCount).toBe(0);
    expect((await Product.findById(p._id).lean())).toMatchObject({ name: 'v4', version: 4 });
  });

  it('mongoose VersionError on save() of a stale array change', async () => {
    const created = await Product.create({ sku: 'ver', tags: ['a', 'b'] });
    const first = await Product.findById(created._id);
    const second = await Product.findById(created._id);
    (first!.tags as unknown as mongoose.Types.Array<string>).pull('a');
    await first!.save();
    (second!.tags as unknown as mongoose.Types.Array<string>).set(0, 'z');
    await expect(second!.save()).rejects.toBeInstanceOf(mongoose.Error.VersionError);
  });
});
