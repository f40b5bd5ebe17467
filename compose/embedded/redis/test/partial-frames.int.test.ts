import { createConnection, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRedis, type RunningRedis } from '../src/index.ts';

/**
 * A client that sends part of a command and goes quiet is closed after the partial-frame
 * timeout; one idle between commands, or one trickling a command in, is kept. A declared bulk
 * length is not allocated before its bytes arrive. (Embedded server only: redis-server keeps
 * such connections unless its `timeout` is set.)
 */

const TIMEOUT_MS = 400;
const MiB = 1024 * 1024;
let server: RunningRedis;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startRedis({ limits: { partialFrameTimeoutMs: TIMEOUT_MS } });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await server?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function open(): Promise<{ socket: Socket; closed: Promise<number>; replies: () => string }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: server.port });
    sockets.push(socket);
    let replies = '';
    socket.on('data', (chunk: Buffer) => (replies += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now())));
    socket.once('connect', () => resolve({ socket, closed, replies: () => replies }));
    socket.once('error', reject);
  });
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`not settled within ${ms} ms`)))]);
}

describe('partial commands', () => {
  test.each([
    ['half a bulk string', '*2\r\n$4\r\nECHO\r\n$10\r\nhello'],
    ['a multibulk header only', '*3\r\n'],
    ['half an inline command', 'PIN'],
  ])('closes a connection stalled in %s after the timeout', async (_name, bytes) => {
    const { socket, closed } = await open();
    const sentAt = Date.now();
    socket.write(bytes);
    const closedAt = await within(closed, TIMEOUT_MS + 5_000);
    expect(closedAt - sentAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  test('keeps a connection idle between commands, and one that trickles a command in', async () => {
    const idle = await open();
    const trickle = await open();
    idle.socket.write('PING\r\n');
    const parts = ['*2\r\n', '$4\r\nECHO\r\n', '$2\r\n', 'hi', '\r\n'];
    for (const part of parts) {
      trickle.socket.write(part);
      await sleep(TIMEOUT_MS / 2);
    }
    await sleep(TIMEOUT_MS / 2);
    expect(idle.socket.destroyed).toBe(false);
    expect(trickle.socket.destroyed).toBe(false);
    expect(idle.replies()).toBe('+PONG\r\n');
    expect(trickle.replies()).toBe('$2\r\nhi\r\n');
    idle.socket.destroy();
    trickle.socket.destroy();
  });

  test('does not allocate a declared 500 MB bulk string before its bytes arrive', async () => {
    const before = process.memoryUsage();
    const stalled = await Promise.all([open(), open(), open(), open()]);
    for (const { socket } of stalled) socket.write(`*2\r\n$4\r\nECHO\r\n$500000000\r\n${'x'.repeat(10)}`);
    await sleep(TIMEOUT_MS / 4);
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(20 * MiB);
    expect(after.rss - before.rss).toBeLessThan(100 * MiB);
    for (const { socket } of stalled) socket.destroy();
  });
});
