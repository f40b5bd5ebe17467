// Reassembles length-prefixed Kafka frames from TCP chunks. A frame that lies inside one chunk is
// returned as a view (no copy). A frame spanning chunks (a 100 KB produce request arrives in two
// or more 64 KB reads) gets its own buffer as soon as its length prefix is known, and each chunk
// is copied into it once as it arrives: no list of pending chunks, no concat at the end.

export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError';
}

export class FrameSplitter {
  /** the length prefix, when it arrived split across chunks */
  private readonly prefix = Buffer.alloc(4);
  private prefixBytes = 0;
  /** the frame being filled (without its prefix), and how much of it has arrived */
  private partial: Buffer | null = null;
  private filled = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feed a chunk; returns the complete frames (without their 4-byte size prefix). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.partial) {
        const n = Math.min(this.partial.length - this.filled, chunk.length - at);
        chunk.copy(this.partial, this.filled, at, at + n);
        this.filled += n;
        at += n;
        if (this.filled === this.partial.length) {
          frames.push(this.partial);
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
        // Checked against maxFrameBytes above, so a bad prefix cannot make us allocate much.
        this.partial = Buffer.allocUnsafe(size);
        this.filled = 0;
      }
    }
    return frames;
  }
}
