import { HEADER_SIZE, MAX_MESSAGE_SIZE, ProtocolError } from './messages.ts';

/**
 * Splits a TCP byte stream into whole wire messages (int32 length prefix). Throws ProtocolError
 * on an impossible or oversized length so the connection can be closed before buffering it.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE) throw new ProtocolError(`invalid message length ${length}`);
      if (length > MAX_MESSAGE_SIZE) throw new ProtocolError(`message of ${length} bytes exceeds maxMessageSizeBytes ${MAX_MESSAGE_SIZE}`);
      if (this.buffered < length) break;
      frames.push(this.take(length));
    }
    return frames;
  }

  /** True while part of a message has arrived and the rest has not. */
  get midFrame(): boolean {
    return this.buffered > 0;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const frame = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return frame;
  }
}
