// One client connection: frame reassembly, header parsing, dispatch, and a reorder queue so
// responses leave in request order even while Join/Sync/Fetch replies are held. Anything
// malformed closes this socket only (with a log line); the broker keeps serving others.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FrameSplitter } from '../protocol/frame-splitter.ts';
import { Reader } from '../protocol/reader.ts';
import { ApiKey, SUPPORTED_VERSIONS } from '../protocol/api.ts';
import type { Handler, HandlerResult, KafkaRequest } from './request.ts';

interface Slot {
  correlationId: number;
  done: boolean;
  body: HandlerResult;
}

export interface ConnectionOptions {
  maxFrameBytes: number;
  /** close the connection when it stays this long in the middle of a frame with no new bytes */
  partialFrameTimeoutMs: number;
  /** a number for log lines */
  connectionId: number;
  handlers: ReadonlyMap<number, Handler>;
  logger: Logger;
}

export class Connection {
  private readonly splitter: FrameSplitter;
  private readonly slots: Slot[] = [];
  private closed = false;
  private readonly log: Logger;
  private readonly clientHost: string;
  /** armed while a frame is incomplete, re-armed by every chunk, cleared when the frame completes */
  private partialTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly opts: ConnectionOptions,
  ) {
    this.splitter = new FrameSplitter(opts.maxFrameBytes);
    this.clientHost = socket.remoteAddress ?? 'unknown';
    this.log = opts.logger.child({ conn: opts.connectionId, remote: `${this.clientHost}:${socket.remotePort}` });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug({ err }, 'socket error'));
    socket.on('close', () => {
      this.closed = true;
      this.clearPartialTimer();
    });
    socket.on('drain', () => socket.resume());
  }

  /** Close this connection because the peer sent something we cannot serve. */
  private reject(reason: string, extra: Record<string, unknown> = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.clearPartialTimer();
    this.log.warn(extra, `closing connection: ${reason}`);
    this.socket.destroy();
  }

  end(): void {
    this.closed = true;
    this.clearPartialTimer();
    this.socket.destroy();
  }

  private clearPartialTimer(): void {
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = null;
  }

  /**
   * Between requests a connection may idle forever (clients keep them open); in the middle of
   * one it may not: a peer that sends half a frame and goes quiet would hold its bytes and a
   * socket for good.
   */
  private watchPartialFrame(): void {
    if (!this.splitter.midFrame) {
      this.clearPartialTimer();
      return;
    }
    if (this.partialTimer) {
      this.partialTimer.refresh();
      return;
    }
    this.partialTimer = setTimeout(() => {
      this.partialTimer = null;
      this.reject('partial frame idle too long', { timeoutMs: this.opts.partialFrameTimeoutMs });
    }, this.opts.partialFrameTimeoutMs);
    this.partialTimer.unref();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      this.reject((err as Error).message);
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      this.onFrame(frame);
    }
    if (!this.closed) this.watchPartialFrame();
  }

  private onFrame(frame: Buffer): void {
    const r = new Reader(frame);
    let req: KafkaRequest;
    try {
      const apiKey = r.int16();
      const apiVersion = r.int16();
      const correlationId = r.int32();
      const clientId = r.nullableString();
      req = { apiKey, apiVersion, correlationId, clientId, clientHost: this.clientHost, body: r };
    } catch (err) {
      this.reject(`malformed request header: ${(err as Error).message}`, { frameBytes: frame.length });
      return;
    }
    const range = SUPPORTED_VERSIONS.get(req.apiKey);
    const handler = this.opts.handlers.get(req.apiKey);
    // ApiVersions above our range is answered (error 35), that is how clients negotiate.
    const versionOk = range && req.apiVersion >= range[0] && (req.apiVersion <= range[1] || req.apiKey === ApiKey.ApiVersions);
    if (!handler || !versionOk) {
      this.reject('unsupported API key or version', { apiKey: req.apiKey, apiVersion: req.apiVersion });
      return;
    }
    const slot: Slot = { correlationId: req.correlationId, done: false, body: null };
    this.slots.push(slot);
    let result: HandlerResult | Promise<HandlerResult>;
    try {
      result = handler(req);
    } catch (err) {
      this.reject(`bad request: ${(err as Error).message}`, { apiKey: req.apiKey, apiVersion: req.apiVersion });
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (body) => this.complete(slot, body),
        (err: unknown) => {
          this.log.error({ err, apiKey: req.apiKey }, 'request handler failed');
          this.reject('request handler failed');
        },
      );
    } else this.complete(slot, result);
  }

  private complete(slot: Slot, body: HandlerResult): void {
    slot.done = true;
    slot.body = body;
    if (this.closed || this.slots[0] !== slot) return;
    let corked = false;
    let ok = true;
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const s = this.slots.shift()!;
      if (s.body === null) continue; // acks = 0: no response at all
      let size = 4;
      for (const b of s.body) size += b.length;
      if (size <= SMALL_RESPONSE_BYTES) {
        // One copy into one buffer beats a corked writev of several small ones (the usual case:
        // produce acks, heartbeats, metadata).
        ok = this.socket.write(frameSmall(size, s.correlationId, s.body)) && ok;
        continue;
      }
      if (!corked) this.socket.cork();
      corked = true;
      const head = Buffer.allocUnsafe(8);
      head.writeInt32BE(size, 0);
      head.writeInt32BE(s.correlationId, 4);
      ok = this.socket.write(head) && ok;
      for (const b of s.body) ok = this.socket.write(b) && ok; // record data by reference
    }
    if (corked) this.socket.uncork();
    // Back-pressure: stop reading requests while the client is not reading responses.
    if (!ok) this.socket.pause();
  }
}

/** Responses up to this size are copied into one frame buffer; bigger ones keep their chunks. */
const SMALL_RESPONSE_BYTES = 16 * 1024;

function frameSmall(size: number, correlationId: number, body: readonly Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(4 + size);
  out.writeInt32BE(size, 0);
  out.writeInt32BE(correlationId, 4);
  let at = 8;
  for (const b of body) at += b.copy(out, at);
  return out;
}
