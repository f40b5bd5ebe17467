// A peer that sends part of a request and goes quiet: the broker must close it after the
// partial-frame timeout (and not before), and a declared frame size must not be allocated ahead
// of the bytes that fill it.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './helpers/in-process-broker.ts';
import { sleep, withTimeout } from './helpers/wait.ts';

const TIMEOUT_MS = 400;
const MiB = 1024 * 1024;

let broker: TestBroker;
const logLines: string[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  broker = await startTestBroker({ logLines, partialFrameTimeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await broker?.close();
});

function open(): Promise<{ socket: Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: broker.port });
    sockets.push(socket);
    socket.on('error', () => undefined); // a reset is one way of being closed
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now())));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** A 4-byte size prefix declaring `size` bytes, followed by `sent` bytes of them. */
function partialFrame(size: number, sent: number): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(size);
  return Buffer.concat([head, Buffer.alloc(sent, 1)]);
}

describe('partial frames', () => {
  it('closes a connection that stops in the middle of a frame after the timeout', async () => {
    const { socket, closed } = await open();
    const sentAt = Date.now();
    socket.write(partialFrame(100, 10));
    const closedAt = await withTimeout('broker closing the stalled connection', closed, TIMEOUT_MS + 5_000);
    expect(closedAt - sentAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(logLines.some((line) => line.includes('partial frame idle too long'))).toBe(true);
  });

  it('also closes one stalled inside the 4-byte length prefix', async () => {
    const { socket, closed } = await open();
    socket.write(Buffer.from([0, 0]));
    await withTimeout('broker closing the stalled connection', closed, TIMEOUT_MS + 5_000);
  });

  it('keeps a connection that trickles a frame in, and one idle between frames', async () => {
    const trickle = await open();
    const idle = await open();
    let closed = false;
    void trickle.closed.then(() => (closed = true));
    void idle.closed.then(() => (closed = true));
    trickle.socket.write(partialFrame(64, 0));
    // Each pause is shorter than the timeout; the whole takes longer than it.
    for (let i = 0; i < 4; i++) {
      await sleep(TIMEOUT_MS / 2);
      trickle.socket.write(Buffer.alloc(4, 1));
    }
    await sleep(TIMEOUT_MS / 2);
    expect(closed).toBe(false);
    trickle.socket.destroy();
    idle.socket.destroy();
  });

  it('does not allocate a declared 100 MiB frame before its bytes arrive', async () => {
    const external = () => {
      const usage = process.memoryUsage();
      return usage.arrayBuffers;
    };
    const before = external();
    const rssBefore = process.memoryUsage().rss;
    const stalled = await Promise.all([open(), open(), open(), open()]);
    for (const { socket } of stalled) socket.write(partialFrame(100 * MiB - 1, 10));
    // Until the broker has read them (well inside the timeout).
    await sleep(TIMEOUT_MS / 4);
    const grown = external() - before;
    const rssGrown = process.memoryUsage().rss - rssBefore;
    // Before the fix each connection cost 100 MiB of buffer (400 MiB here).
    expect(grown).toBeLessThan(20 * MiB);
    expect(rssGrown).toBeLessThan(100 * MiB);
    for (const { socket } of stalled) socket.destroy();
  });
});
