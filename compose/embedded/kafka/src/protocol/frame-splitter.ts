// Reassembles length-prefixed Kafka frames from TCP chunks. A frame that lies inside one chunk is
// returned as a view (no copy). A frame spanning chunks (a 100 KB produce request arrives in two
// or more 64 KB reads) is copied into a buffer of its own that grows as its bytes arrive: the
// declared size is only a promise, so a peer that announces 100 MiB and sends 10 bytes costs us
// about 64 KiB, not 100 MiB. Doubling keeps the copying linear (each byte is copied at most about
// twice) with no list of pending chunks and no concat at the end.

export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError';
}

/** First allocation for a frame that spans chunks; it then doubles up to the declared size. */
const INITIAL_PARTIAL_BYTES = 64 * 1024;

export class FrameSplitter {
  /** the length prefix, when it arrived split across chunks */
  private readonly prefix = Buffer.alloc(4);
  private prefixBytes = 0;
  /** the frame being filled (without its prefix): its declared size, storage so far, bytes arrived */
  private expected = 0;
  private partial: Buffer | null = null;
  private filled = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** True while a frame (or its length prefix) has started but not finished arriving. */
  get midFrame(): boolean {
    return this.partial !== null || this.prefixBytes > 0;
  }

  /** Bytes allocated for the frame in progress (tests check that it follows what arrived). */
  get bufferedCapacity(): number {
    return this.partial?.length ?? 0;
  }

  /** Feed a chunk; returns the complete frames (without their 4-byte size prefix). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.partial) {
        const n = Math.min(this.expected - this.filled, chunk.length - at);
        this.reserve(this.filled + n);
        chunk.copy(this.partial, this.filled, at, at + n);
        this.filled += n;
        at += n;
        if (this.filled === this.expected) {
          frames.push(this.partial.length === this.expected ? this.partial : this.partial.subarray(0, this.expected));
          this.partial = null;
        }
        continue;
      }
      let size: number;
      if (this.prefixBytes === 0 && chunk.length - at >= 4) {
        size = chunk.readInt32BE(at);
        at += 4;
      } else {
        const n = Math.min(4 - this.prefixBytes, chunk.length - at);
        chunk.copy(this.prefix, this.prefixBytes, at, at + n);
        this.prefixBytes += n;
        at += n;
        if (this.prefixBytes < 4) break;
        this.prefixBytes = 0;
        size = this.prefix.readInt32BE(0);
      }
      if (size < 0 || size > this.maxFrameBytes) {
        throw new FrameTooLargeError(`frame size ${size} outside 0..${this.maxFrameBytes}`);
      }
      if (chunk.length - at >= size) {
        frames.push(chunk.subarray(at, at + size));
        at += size;
      } else {
        this.expected = size;
        this.filled = 0;
        // Room for what has arrived (the rest of this chunk), at least the initial size, never
        // more than declared; it grows in reserve() as further bytes come.
        this.partial = Buffer.allocUnsafe(Math.min(size, Math.max(INITIAL_PARTIAL_BYTES, chunk.length - at)));
      }
    }
    return frames;
  }

  /** Grows the partial frame's storage to hold `bytes` (doubling, capped at the declared size). */
  private reserve(bytes: number): void {
    const current = this.partial as Buffer;
    if (bytes <= current.length) return;
    const grown = Buffer.allocUnsafe(Math.min(this.expected, Math.max(bytes, current.length * 2)));
    current.copy(grown, 0, 0, this.filled);
    this.partial = grown;
  }
}
