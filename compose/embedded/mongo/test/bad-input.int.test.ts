import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';
import type { TestServer } from './helpers.ts';
import { RawClient, frame, opMsg } from './raw-wire.ts';

describe('wire protocol edge cases and bad input', () => {
  let t: TestServer;
  let conn: mongoose.Connection;
  const itemSchema = new mongoose.Schema({ name: String });
  const Item = () => conn.models.Item ?? conn.model('Item', itemSchema);

  beforeAll(async () => {
    t = await startTestServer();
    conn = await mongoose.createConnection(`${t.server.uri}/bad`, { serverSelectionTimeoutMS: 5000 }).asPromise();
    await Item().create({ name: 'before' });
  });

  afterAll(async () => {
    await conn?.close();
    await t?.stop();
  });

  const raw = () => RawClient.connect(t.server.port);

  it('answers valid raw OP_MSG: checksum flag, kind-1 sequences, moreToCome without a reply', async () => {
    const c = await raw();
    c.send(opMsg({ ping: 1, $db: 'admin' }, { checksum: true, requestId: 7 }));
    expect(await c.reply()).toMatchObject({ responseTo: 7, body: { ok: 1 } });
    c.send(opMsg({ insert: 'seq', $db: 'bad' }, { sequences: [['documents', [{ a: 1 }, { a: 2 }]]], requestId: 8 }));
    expect(await c.reply()).toMatchObject({ responseTo: 8, body: { n: 2, ok: 1 } });
    c.send(opMsg({ insert: 'seq', documents: [{ a: 3 }], $db: 'bad' }, { flags: 2, requestId: 9 }));
    c.send(opMsg({ count: 'seq', $db: 'bad' }, { requestId: 10 }));
    // the moreToCome insert got no reply, so the next reply answers request 10
    expect(await c.reply()).toMatchObject({ responseTo: 10, body: { n: 3, ok: 1 } });
    c.destroy();
  });

  it('closes the socket on garbage, oversized, unknown opcode, compressed and malformed BSON', async () => {
    const cases: Array<[string, Buffer]> = [
      ['http garbage', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
      ['oversized length', (() => {
        const b = Buffer.alloc(16);
        b.writeInt32LE(49 * 1024 * 1024, 0);
        return b;
      })()],
      ['negative length', Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
      ['unknown opcode', frame(9999, Buffer.alloc(8))],
      ['OP_COMPRESSED', frame(2012, Buffer.alloc(9))],
      ['malformed BSON', frame(2013, Buffer.concat([Buffer.alloc(4), Buffer.from([0]), Buffer.from([0x10, 0, 0, 0, 0x99, 0x61, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])]))],
      ['BSON length past the end', frame(2013, Buffer.concat([Buffer.alloc(4), Buffer.from([0, 0xff, 0, 0, 0, 0])]))],
      ['unknown section kind', frame(2013, Buffer.concat([Buffer.alloc(4), Buffer.from([7, 5, 0, 0, 0, 0])]))],
    ];
    for (const [name, bytes] of cases) {
      const c = await raw();
      c.send(bytes);
      const reply = await c.reply(2000);
      expect(reply, name).toBeUndefined();
      expect(await c.waitClosed(), name).toBe(true);
    }
    expect(t.lines.filter((l) => String(l.msg).includes('bad message')).length).toBeGreaterThanOrEqual(cases.length);
  });

  it('a truncated message followed by a half-close ends that connection only', async () => {
    const c = await raw();
    const full = opMsg({ ping: 1, $db: 'admin' });
    c.send(full.subarray(0, full.length - 5));
    expect(await c.reply(300)).toBeUndefined();
    c.end();
    expect(await c.waitClosed()).toBe(true);
  });

  it('frees the cursors of a socket that closes', async () => {
    await conn.db!.collection('many').insertMany(Array.from({ length: 20 }, (_, i) => ({ i })));
    const c = await raw();
    c.send(opMsg({ find: 'many', filter: {}, batchSize: 2, $db: 'bad' }));
    const reply = await c.reply();
    expect(reply?.body.cursor.firstBatch).toHaveLength(2);
    const open = async () => ((await conn.db!.admin().command({ serverStatus: 1 })).metrics.cursor.open.total as number);
    expect(await open()).toBe(1);
    c.destroy();
    const deadline = Date.now() + 2000;
    while ((await open()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await open()).toBe(0);
  });

  it('refuses to grow a document past 16 MiB with BSONObjectTooLarge (10334)', async () => {
    // Each command is below the driver's own limit; the resulting document would not be.
    const ten = 'x'.repeat(10 * 1024 * 1024);
    const coll = conn.db!.collection('big');
    await coll.insertOne({ _id: 'b' as never, a: ten });
    await expect(coll.updateOne({ _id: 'b' as never }, { $set: { b: ten } })).rejects.toMatchObject({ code: 10334 });
    const stored = await coll.findOne({ _id: 'b' as never });
    expect(stored?.a).toHaveLength(ten.length);
    expect(stored?.b).toBeUndefined();
  });

  it('mongoose still works after all of that', async () => {
    await Item().create({ name: 'after' });
    expect((await Item().find().sort({ name: 1 }).lean()).map((i) => i.name)).toEqual(['after', 'before']);
  });
});
