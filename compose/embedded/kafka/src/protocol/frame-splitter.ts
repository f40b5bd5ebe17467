// Reassembles length-prefixed Kafka frames from TCP chunks. A frame that lies inside one chunk is
// returned as a view (no copy); only frames spanning chunks are concatenated.

export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError';
}

export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feed a chunk; returns the complete frames (without their 4-byte size prefix). */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const size = this.peekSize();
      if (size < 0 || size > this.maxFrameBytes) {
        throw new FrameTooLargeError(`frame size ${size} outside 0..${this.maxFrameBytes}`);
      }
      if (this.buffered < 4 + size) break;
      frames.push(this.take(4 + size).subarray(4));
    }
    return frames;
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return this.take(4, true).readInt32BE(0);
  }

  /** Remove n bytes from the front (or only look at them when peek is set). */
  private take(n: number, peek = false): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (peek) return first;
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return this.take(n, peek);
  }
}
