import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createConnection, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { startRedis, type RunningRedis } from '../src/index.ts';
import { newClient, waitUntil } from './contract/harness.ts';
import { realRedisUnavailableReason, startRealRedis } from './support/real-redis.ts';

interface Exchange {
  reply: string;
  closed: boolean;
}

/**
 * Sends raw bytes and collects what comes back until the server closes, or stays quiet for
 * `quietMs` after answering (at most `capMs` in all, for a server that never answers).
 */
function exchange(port: number, bytes: string | Buffer, quietMs = 300, capMs = 5_000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const finish = (closed: boolean): void => {
      clearTimeout(quiet);
      clearTimeout(cap);
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const cap = setTimeout(() => finish(false), capMs);
    socket.once('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      clearTimeout(quiet);
      quiet = setTimeout(() => finish(false), quietMs);
    });
    socket.once('close', () => finish(true));
    socket.once('error', (cause: NodeJS.ErrnoException) => (cause.code === 'ECONNRESET' ? finish(true) : reject(cause)));
  });
}

const protocolError = (message: string): string => `-ERR Protocol error: ${message}\r\n`;

/** Raw input and the exact bytes redis-server 7 answers; `closed` says whether it hangs up. */
const cases: Array<{ name: string; input: string | Buffer; reply: string; closed: boolean }> = [
  { name: 'non-numeric multibulk count', input: '*x\r\n', reply: protocolError('invalid multibulk length'), closed: true },
  { name: 'bulk length above 512 MB', input: '*1\r\n$600000000\r\n', reply: protocolError('invalid bulk length'), closed: true },
  { name: 'negative bulk length', input: '*1\r\n$-1\r\n', reply: protocolError('invalid bulk length'), closed: true },
  { name: 'wrong type marker inside a request', input: '*1\r\n+PING\r\n', reply: protocolError("expected '$', got '+'"), closed: true },
  { name: 'unbalanced inline quotes', input: 'set k "open\r\n', reply: protocolError('unbalanced quotes in request'), closed: true },
  { name: 'endless inline line', input: Buffer.alloc(70_000, 0x61), reply: protocolError('too big inline request'), closed: true },
  {
    name: 'good commands before garbage are answered first',
    input: 'PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\n',
    reply: `+PONG\r\n-ERR wrong number of arguments for 'echo' command\r\n${protocolError('invalid multibulk length')}`,
    closed: true,
  },
  {
    name: 'subscribe mode refuses other commands but keeps the connection',
    input: 'SUBSCRIBE ch\r\nGET k\r\nPING\r\n',
    reply: '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n' +
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n" +
      '*2\r\n$4\r\npong\r\n$0\r\n\r\n',
    closed: false,
  },
  { name: 'QUIT answers then closes, ignoring what follows', input: 'QUIT\r\nPING\r\n', reply: '+OK\r\n', closed: true },
];

const realSkipReason = realRedisUnavailableReason();
const targets = [
  { name: 'embedded', skipReason: undefined, start: () => startRedis() },
  { name: 'redis-server', skipReason: realSkipReason, start: startRealRedis },
];

describe.each(targets)('bad input on $name', (target) => {
  let server: { port: number; url: string; close(): Promise<void> } | undefined;
  let bystander: Redis | undefined;

  beforeAll(async () => {
    if (target.skipReason !== undefined) return;
    server = await target.start();
    bystander = newClient(server.url);
    await bystander.set('bystander', 'still here');
  });

  afterAll(async () => {
    bystander?.disconnect();
    await server?.close();
  });

  test.for(cases)('$name', async ({ input, reply, closed }, context) => {
    if (target.skipReason !== undefined) return context.skip(target.skipReason);
    const result = await exchange((server as { port: number }).port, input);
    expect(result).toEqual({ reply, closed });
    // The client connected all along is not affected by the broken one.
    expect(await bystander?.get('bystander')).toBe('still here');
  });

  test('a half-sent request on one connection survives garbage on another', async (context) => {
    if (target.skipReason !== undefined) return context.skip(target.skipReason);
    const port = (server as { port: number }).port;
    const patient: Socket = createConnection({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    patient.on('data', (chunk) => received.push(chunk));
    await new Promise((resolve) => patient.once('connect', resolve));
    patient.write('*2\r\n$4\r\nECHO\r\n$5\r\nhel');
    expect((await exchange(port, '*x\r\n')).closed).toBe(true);
    patient.write('lo\r\n');
    const answered = await waitUntil(() => Buffer.concat(received).toString() === '$5\r\nhello\r\n');
    patient.destroy();
    expect(answered).toBe(true);
  });
});

describe('embedded limits', () => {
  let server: RunningRedis;

  beforeAll(async () => {
    server = await startRedis({ limits: { maxPendingBytes: 64 * 1024, maxSubscriberOutputBytes: 64 * 1024 } });
  });
  afterAll(() => server.close());

  test('a request larger than the per-connection buffer limit closes that connection only', async () => {
    const oversized = `*2\r\n$4\r\nECHO\r\n$200000\r\n${'z'.repeat(100_000)}`;
    expect(await exchange(server.port, oversized)).toEqual({ reply: '', closed: true });
    expect(await exchange(server.port, 'PING\r\n')).toEqual({ reply: '+PONG\r\n', closed: false });
  });

  test('a subscriber that stops reading is dropped once its output passes the limit', async () => {
    const slow = createConnection({ host: '127.0.0.1', port: server.port });
    slow.once('error', () => undefined);
    slow.write('SUBSCRIBE firehose\r\n');
    await new Promise((resolve) => slow.once('data', resolve));
    slow.pause(); // stop reading: the kernel buffers fill, then the server's output queue grows
    const publisher = newClient(server.url);
    const message = 'm'.repeat(64 * 1024);
    // PUBLISH counts receivers, so it drops to 0 once the server has let the subscriber go.
    const receivers: number[] = [];
    for (let i = 0; i < 2_000 && receivers.at(-1) !== 0; i++) receivers.push(await publisher.publish('firehose', message));
    publisher.disconnect();
    slow.destroy();
    expect(receivers[0]).toBe(1);
    expect(receivers.at(-1)).toBe(0);
  });
});
