import net from 'node:net';
import { deserialize, serialize } from 'bson';
import type { Document } from 'bson';

/** Builds an OP_MSG frame by hand (so tests can also build broken ones). */
export function opMsg(body: Document, opts: { flags?: number; sequences?: Array<[string, Document[]]>; checksum?: boolean; requestId?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE((opts.flags ?? 0) | (opts.checksum ? 1 : 0));
  parts.push(flags, Buffer.from([0]), Buffer.from(serialize(body)));
  for (const [id, docs] of opts.sequences ?? []) {
    const payload = Buffer.concat([Buffer.from(`${id}\0`), ...docs.map((d) => Buffer.from(serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  if (opts.checksum) parts.push(Buffer.alloc(4)); // value is not verified by the server
  return frame(2013, Buffer.concat(parts), opts.requestId ?? 1);
}

export function frame(opCode: number, payload: Buffer, requestId = 1): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}

/** A raw TCP client that reads whole reply frames and notices when the server closes. */
export class RawClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (c: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, c]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  send(buf: Buffer): void {
    this.socket.write(buf);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Next reply: its responseTo and the decoded body (OP_MSG or OP_REPLY); undefined if closed/timeout. */
  async reply(timeoutMs = 2000): Promise<{ responseTo: number; opCode: number; body: Document } | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readInt32LE(0)) {
        const len = this.buffer.readInt32LE(0);
        const msg = this.buffer.subarray(0, len);
        this.buffer = this.buffer.subarray(len);
        const opCode = msg.readInt32LE(12);
        const docStart = opCode === 2013 ? 21 : 36;
        return { responseTo: msg.readInt32LE(8), opCode, body: deserialize(msg.subarray(docStart)) };
      }
      if (this.closed || Date.now() > deadline) return undefined;
      await new Promise<void>((r) => {
        const timer = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
