import { createConnection, type Socket } from 'node:net';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

/**
 * A client that sends part of a message and goes quiet is closed after the partial-frame
 * timeout; one idle between messages (a real driver's pooled connection) is kept.
 */
const TIMEOUT_MS = 400;
let t: TestServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestServer({ partialFrameTimeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await t?.stop();
});

function open(): Promise<{ socket: Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: t.server.port });
    sockets.push(socket);
    socket.on('error', () => undefined);
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now())));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('partial messages', () => {
  test.each([
    ['two bytes of the length', Buffer.from([0x40, 0x00])],
    ['a header announcing 1 MiB and 16 bytes of it', Buffer.concat([Buffer.from([0x00, 0x00, 0x10, 0x00]), Buffer.alloc(12)])],
  ])('closes a connection stalled after %s', async (_name, bytes) => {
    const { socket, closed } = await open();
    const sentAt = Date.now();
    socket.write(bytes);
    const closedAt = await Promise.race([closed, sleep(TIMEOUT_MS + 5_000).then(() => Number.NaN)]);
    expect(closedAt - sentAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  test('keeps a driver connection that is idle between messages', async () => {
    const connection = await mongoose.createConnection(`${t.server.uri}/partial_frames`).asPromise();
    try {
      await connection.db!.admin().ping();
      await sleep(TIMEOUT_MS * 3);
      await expect(connection.db!.admin().ping()).resolves.toMatchObject({ ok: 1 });
    } finally {
      await connection.close();
    }
  });
});
