// Response builder. Small fields go into a growing scratch buffer; large payloads (record
// batches) are appended by reference with raw(), so fetch responses never copy log data.

export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;
  private flushedBytes = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
    return this;
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
    return this;
  }
  int64(v: bigint): this {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
    return this;
  }
  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const len = Buffer.byteLength(s, 'utf8');
    this.int16(len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }
  string(s: string): this {
    return this.nullableString(s);
  }
  nullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  bytes(b: Uint8Array): this {
    return this.nullableBytes(b);
  }
  array<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) each(this, item);
    return this;
  }
  nullableArray<T>(items: readonly T[] | null, each: (w: this, item: T) => void): this {
    return items === null ? this.int32(-1) : this.array(items, each);
  }

  /** Append buffers by reference (no copy). */
  raw(parts: readonly Buffer[]): this {
    if (this.pos > 0) {
      this.chunks.push(this.buf.subarray(0, this.pos));
      this.flushedBytes += this.pos;
      this.buf = Buffer.allocUnsafe(256);
      this.pos = 0;
    }
    for (const p of parts) {
      this.chunks.push(p);
      this.flushedBytes += p.length;
    }
    return this;
  }

  get length(): number {
    return this.flushedBytes + this.pos;
  }

  /** The encoded bytes as a list of buffers, in order. */
  finish(): Buffer[] {
    const out = this.chunks;
    if (this.pos > 0) out.push(this.buf.subarray(0, this.pos));
    return out;
  }
}
