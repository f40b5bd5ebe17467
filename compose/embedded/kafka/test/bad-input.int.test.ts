// Hostile or broken input: raw sockets sending garbage, truncated and oversized frames, unknown
// APIs. Each must close only that connection (with a log line) while a real kafkajs client keeps
// working; a torn or corrupt segment tail on disk must be truncated at start, never fatal.
import { appendFile, open, readdir, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordBatch } from 'kafkajs/src/protocol/recordBatch/v0/index.js';
import Record from 'kafkajs/src/protocol/recordBatch/record/v0/index.js';
import { startTestBroker, type TestBroker } from './helpers/in-process-broker.ts';
import { createKafka, createProducer } from './helpers/kafka-client.ts';
import { readAll } from './helpers/read-all.ts';
import { makeTempDir, type TempDir } from './helpers/temp-dir.ts';

/** A request frame: size, api key, version, correlation id, client id, body. */
function frame(apiKey: number, version: number, body: Buffer = Buffer.alloc(0), correlationId = 7): Buffer {
  const clientId = Buffer.from('raw-test');
  const head = Buffer.alloc(4 + 2 + 2 + 4 + 2);
  head.writeInt32BE(2 + 2 + 4 + 2 + clientId.length + body.length, 0);
  head.writeInt16BE(apiKey, 4);
  head.writeInt16BE(version, 6);
  head.writeInt32BE(correlationId, 8);
  head.writeInt16BE(clientId.length, 12);
  return Buffer.concat([head, clientId, body]);
}

/** Send bytes on a fresh socket; report what came back and whether the broker closed it. */
function exchange(port: number, bytes: Buffer, { waitMs = 3_000, end = false } = {}): Promise<{ closedByBroker: boolean; reply: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let connected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedByBroker: false, reply: Buffer.concat(chunks) });
    }, waitMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => undefined); // ECONNRESET is one way of being closed
    socket.on('close', () => {
      clearTimeout(timer);
      if (!connected) reject(new Error('could not connect to the broker'));
      else resolve({ closedByBroker: true, reply: Buffer.concat(chunks) });
    });
    socket.once('connect', () => {
      connected = true;
      if (end) socket.end(bytes);
      else socket.write(bytes);
    });
  });
}

describe('malformed network input', () => {
  let broker: TestBroker;
  const logLines: string[] = [];

  beforeAll(async () => {
    broker = await startTestBroker({ logLines });
  });
  afterAll(async () => {
    await broker?.close();
  });

  const closes = (bytes: Buffer, what: string) => async () => {
    const before = logLines.filter((l) => l.includes('closing connection')).length;
    const { closedByBroker, reply } = await exchange(broker.port, bytes);
    expect(closedByBroker, `${what}: connection closed`).toBe(true);
    expect(reply.length, `${what}: nothing answered`).toBe(0);
    expect(logLines.filter((l) => l.includes('closing connection')).length).toBe(before + 1);
  };

  it('closes a connection that sends random garbage', closes(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'http'));
  it('closes on an oversized length prefix', closes(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]), 'oversized'));
  it('closes on a negative length prefix', closes(Buffer.from([0xff, 0xff, 0xff, 0xfe]), 'negative'));
  it('closes on an unknown API key', closes(frame(4242, 0), 'unknown key'));
  it('closes on an unsupported version of a known API', closes(frame(0, 0), 'Produce v0'));
  it('closes on a header shorter than its fields', closes(Buffer.from([0, 0, 0, 3, 0, 3, 0]), 'short header'));
  it(
    'closes on a frame whose body is truncated inside (Metadata claiming 5 topics, giving none)',
    closes(frame(3, 1, Buffer.from([0, 0, 0, 5])), 'truncated body'),
  );

  it('drops a frame cut off by the client closing the socket, without answering', async () => {
    const full = frame(18, 0);
    const { closedByBroker, reply } = await exchange(broker.port, full.subarray(0, full.length - 3), { end: true });
    expect(closedByBroker).toBe(true);
    expect(reply.length).toBe(0);
  });

  it('answers ApiVersions v3 (librdkafka\'s first try) with error 35 in the v0 layout', async () => {
    const { reply } = await exchange(broker.port, frame(18, 3, Buffer.alloc(0), 99), { waitMs: 500 });
    expect(reply.readInt32BE(0)).toBe(reply.length - 4);
    expect(reply.readInt32BE(4)).toBe(99);
    expect(reply.readInt16BE(8)).toBe(35);
    const count = reply.readInt32BE(10);
    const apis = Array.from({ length: count }, (_, i) => reply.readInt16BE(14 + i * 6));
    expect(apis).toContain(18);
    expect(apis).not.toContain(22); // InitProducerId is never advertised
  });

  it('answers a batch with a broken CRC with CORRUPT_MESSAGE and stores nothing', async () => {
    const topic = 'bad-input-crc';
    const batch = (
      await RecordBatch({ records: [Record({ key: 'k', value: 'v' })], firstTimestamp: Date.now(), maxTimestamp: Date.now() })
    ).buffer;
    batch[batch.length - 1] ^= 0xff;
    const name = Buffer.from(topic);
    const body = Buffer.alloc(2 + 2 + 4 + 4 + 2 + name.length + 4 + 4 + 4);
    let at = body.writeInt16BE(-1, 0); // transactional id: null
    at = body.writeInt16BE(-1, at); // acks
    at = body.writeInt32BE(5_000, at);
    at = body.writeInt32BE(1, at); // one topic
    at = body.writeInt16BE(name.length, at);
    at += name.copy(body, at);
    at = body.writeInt32BE(1, at); // one partition
    at = body.writeInt32BE(0, at);
    body.writeInt32BE(batch.length, at);
    const admin = createKafka(broker.address, 'crc-admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }).finally(() => admin.disconnect());
    const { closedByBroker, reply: produce } = await exchange(broker.port, frame(0, 3, Buffer.concat([body, batch]), 2), {
      waitMs: 1_000,
    });
    expect(closedByBroker).toBe(false);
    expect(produce.readInt32BE(4)).toBe(2); // correlation id
    // responses[0]: name, partitions[0]: partition, error
    const errorAt = 8 + 4 + 2 + name.length + 4 + 4;
    expect(produce.readInt16BE(errorAt)).toBe(2);
    const stored = await readAll(createKafka(broker.address, 'crc-check'), topic);
    expect(stored).toEqual([]);
  });

  it('still serves a well-behaved kafkajs client afterwards', async () => {
    const kafka = createKafka(broker.address, 'after-garbage');
    const producer = createProducer(kafka);
    await producer.connect();
    try {
      await producer.send({ topic: 'bad-input-survivor', messages: [{ key: 'k', value: 'still alive' }] });
    } finally {
      await producer.disconnect();
    }
    const stored = await readAll(kafka, 'bad-input-survivor');
    expect(stored.map((m) => m.value)).toEqual(['still alive']);
  });
});

describe('damaged segment files', () => {
  let dir: TempDir;

  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it('truncates a torn or corrupt tail at start with a warning and keeps the valid batches', async () => {
    const topic = 'bad-input-torn';
    const first = await startTestBroker({ dataDir: dir.path });
    const kafka1 = createKafka(first.address, 'torn-1');
    const producer = createProducer(kafka1);
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'one' }, { value: 'two' }] });
    await producer.send({ topic, messages: [{ value: 'three' }] });
    await producer.disconnect();
    await first.close({ removeData: false });

    const logsDir = join(dir.path, 'logs');
    const [segment] = (await readdir(logsDir)).filter((f) => f.startsWith(topic));
    const path = join(logsDir, segment!);
    const goodSize = (await stat(path)).size;
    // A half-written batch: a plausible header claiming more bytes than are there.
    const torn = Buffer.alloc(40);
    torn.writeBigInt64BE(3n, 0);
    torn.writeInt32BE(500, 8);
    await appendFile(path, torn);

    const logLines: string[] = [];
    const second = await startTestBroker({ dataDir: dir.path, logLines });
    try {
      expect(logLines.some((l) => l.includes('truncating torn/corrupt tail'))).toBe(true);
      expect((await stat(path)).size).toBe(goodSize);
      const kafka2 = createKafka(second.address, 'torn-2');
      const p2 = createProducer(kafka2);
      await p2.connect();
      const [res] = await p2.send({ topic, messages: [{ value: 'four' }] });
      await p2.disconnect();
      expect(res).toMatchObject({ errorCode: 0, baseOffset: '3' });
      const stored = await readAll(kafka2, topic);
      expect(stored.map((m) => `${m.offset}:${m.value}`)).toEqual(['0:one', '1:two', '2:three', '3:four']);
    } finally {
      await second.close({ removeData: false });
    }

    // Flip one byte inside the last batch's records: its CRC no longer matches, so it goes.
    const size = (await stat(path)).size;
    const fh = await open(path, 'r+');
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 2);
    last[0] ^= 0xff;
    await fh.write(last, 0, 1, size - 2);
    await fh.close();
    const lines3: string[] = [];
    const third = await startTestBroker({ dataDir: dir.path, logLines: lines3 });
    try {
      expect(lines3.some((l) => l.includes('CRC mismatch'))).toBe(true);
      const stored = await readAll(createKafka(third.address, 'torn-3'), topic);
      expect(stored.map((m) => m.value)).toEqual(['one', 'two', 'three']);
    } finally {
      await third.close({ removeData: false });
    }
  });
});
