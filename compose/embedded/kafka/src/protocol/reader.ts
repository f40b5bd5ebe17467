// Bounds-checked reader for Kafka's classic (non-flexible) encoding. Any overrun throws a
// MalformedRequestError, which the connection turns into "close this socket" — never a crash.
// int64 fields come back as BigInt; byte fields are zero-copy views into the frame.

export class MalformedRequestError extends Error {
  override name = 'MalformedRequestError';
}

export class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.buf.length) {
      throw new MalformedRequestError(`field of ${n} bytes at ${at} runs past the ${this.buf.length}-byte frame`);
    }
    this.pos = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < -1) throw new MalformedRequestError(`negative string length ${len}`);
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }
  string(): string {
    const s = this.nullableString();
    if (s === null) throw new MalformedRequestError('null where a string is required');
    return s;
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < -1) throw new MalformedRequestError(`negative bytes length ${len}`);
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }
  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const len = this.int32();
    if (len === -1) return null;
    // Each element takes at least one byte, so a count above the bytes left is garbage.
    if (len < -1 || len > this.remaining) throw new MalformedRequestError(`bad array length ${len}`);
    const out: T[] = new Array(len);
    for (let i = 0; i < len; i++) out[i] = item(this);
    return out;
  }
  array<T>(item: (r: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }
}
