import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';
import type { TestServer } from './helpers.ts';

const orderSchema = new mongoose.Schema({
  n: { type: Number, index: true },
  customer: String,
  total: Number,
  status: String,
});

async function openCursors(conn: mongoose.Connection): Promise<number> {
  const status = await conn.db!.admin().command({ serverStatus: 1 });
  return status.metrics.cursor.open.total as number;
}

const orderModel = (c: mongoose.Connection) => c.model('Order', orderSchema);

describe('mongoose queries, aggregation and cursors', () => {
  let t: TestServer;
  let conn: mongoose.Connection;
  let Order: ReturnType<typeof orderModel>;
  const COUNT = 260;

  beforeAll(async () => {
    t = await startTestServer();
    conn = await mongoose.createConnection(`${t.server.uri}/queries`, { serverSelectionTimeoutMS: 5000 }).asPromise();
    Order = orderModel(conn);
    await Order.init();
    await Order.insertMany(
      Array.from({ length: COUNT }, (_, n) => ({
        n,
        customer: `c${n % 4}`,
        total: n % 10,
        status: n % 3 === 0 ? 'paid' : 'open',
      })),
    );
  });

  afterAll(async () => {
    await conn?.close();
    await t?.stop();
  });

  it('iterates a cursor over all documents through getMore', async () => {
    const seen: number[] = [];
    for await (const doc of Order.find().sort({ n: 1 }).batchSize(50).cursor()) {
      seen.push(doc.n!);
      if (seen.length > COUNT) break;
    }
    expect(seen).toEqual(Array.from({ length: COUNT }, (_, n) => n));
    const lean = await Order.find({ n: { $gte: 10 } }).lean();
    expect(lean).toHaveLength(COUNT - 10);
    expect(await openCursors(conn)).toBe(0);
  });

  it('closing a cursor early kills it on the server', async () => {
    const cursor = conn.db!.collection('orders').find({}).batchSize(10);
    expect(await cursor.next()).not.toBeNull();
    expect(await openCursors(conn)).toBe(1);
    await cursor.close();
    expect(await openCursors(conn)).toBe(0);
  });

  it('aggregates with $match/$group/$sort/$project and counts documents', async () => {
    const rows = await Order.aggregate<{ customer: string; revenue: number; orders: number }>([
      { $match: { status: 'paid' } },
      { $group: { _id: '$customer', revenue: { $sum: '$total' }, orders: { $sum: 1 } } },
      { $sort: { _id: 1 } },
      { $project: { _id: 0, customer: '$_id', revenue: 1, orders: 1 } },
    ]);
    // compute the expectation independently from the inserted data
    const expected = new Map<string, { revenue: number; orders: number }>();
    for (let n = 0; n < COUNT; n++) {
      if (n % 3 !== 0) continue;
      const e = expected.get(`c${n % 4}`) ?? { revenue: 0, orders: 0 };
      e.revenue += n % 10;
      e.orders += 1;
      expected.set(`c${n % 4}`, e);
    }
    expect(rows).toEqual([...expected.entries()].sort().map(([customer, e]) => ({ customer, ...e })));
    expect(await Order.countDocuments({ status: 'paid' })).toBe(expected.size && [...expected.values()].reduce((s, e) => s + e.orders, 0));
    const big = await Order.aggregate([{ $match: { n: { $lt: 200 } } }]).cursor({ batchSize: 30 });
    let count = 0;
    for await (const _doc of big) if (++count > COUNT) break;
    expect(count).toBe(200);
  });

  it('joins with $lookup, $unwind, $facet and $count, and populate()', async () => {
    const Customer = conn.model('Customer', new mongoose.Schema({ _id: String, name: String }));
    await Customer.insertMany([{ _id: 'c0', name: 'Ada' }, { _id: 'c1', name: 'Bob' }]);
    const joined = await Order.aggregate([
      { $match: { n: { $lt: 4 } } },
      { $lookup: { from: 'customers', localField: 'customer', foreignField: '_id', as: 'who' } },
      { $unwind: { path: '$who', preserveNullAndEmptyArrays: true } },
      { $sort: { n: 1 } },
      { $project: { _id: 0, n: 1, name: '$who.name' } },
    ]);
    expect(joined).toEqual([{ n: 0, name: 'Ada' }, { n: 1, name: 'Bob' }, { n: 2 }, { n: 3 }]);
    const [facets] = await Order.aggregate([
      { $facet: { paid: [{ $match: { status: 'paid' } }, { $count: 'n' }], total: [{ $count: 'n' }] } },
    ]);
    expect(facets).toEqual({ paid: [{ n: Math.ceil(COUNT / 3) }], total: [{ n: COUNT }] });
    const Ref = conn.model('Ref', new mongoose.Schema({ customer: { type: String, ref: 'Customer' } }));
    await Ref.create({ customer: 'c1' });
    const populated = await Ref.findOne().populate<{ customer: { name: string } }>('customer').lean();
    expect(populated?.customer.name).toBe('Bob');
  });

  it('refuses $inc on a string with TypeMismatch (14) and changes nothing', async () => {
    await Order.collection.insertOne({ n: -1, customer: 'str', total: 'ten' as never });
    const err = await Order.collection.updateOne({ n: -1 }, { $inc: { total: 1 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 14, codeName: 'TypeMismatch' });
    const doc = await Order.collection.findOne({ n: -1 });
    expect(doc?.total).toBe('ten');
    await expect(Order.collection.findOneAndUpdate({ n: -1 }, { $inc: { total: 1 } })).rejects.toMatchObject({ code: 14 });
  });

  it('answers transactions with IllegalOperation (20)', async () => {
    const session = await conn.startSession();
    try {
      const err = await session
        .withTransaction(async () => {
          await Order.create([{ n: -2 }], { session });
        })
        .catch((e: unknown) => e);
      // The driver wraps code 20 in its "does not support retryable writes" error, as it does
      // against a real standalone mongod.
      const e = err as { code?: number; originalError?: { code?: number } };
      expect(e.originalError?.code ?? e.code).toBe(20);
    } finally {
      await session.endSession();
    }
    expect(await Order.countDocuments({ n: -2 })).toBe(0);
    const raw = await conn.db!
      .command({ find: 'orders', filter: {}, txnNumber: mongoose.mongo.Long.fromNumber(1), autocommit: false, startTransaction: true })
      .catch((e: unknown) => e);
    expect(raw).toMatchObject({ code: 20, codeName: 'IllegalOperation' });
  });

  it('answers change streams with 40573 and unknown commands with 59', async () => {
    const stream = Order.watch();
    const err = await stream.next().catch((e: unknown) => e);
    await stream.close().catch(() => undefined);
    expect(err).toMatchObject({ code: 40573 });
    await expect(conn.db!.command({ nope: 1 })).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound' });
    // the connection keeps working afterwards
    expect(await Order.countDocuments({ n: { $gte: 0 } })).toBe(COUNT);
  });
});
