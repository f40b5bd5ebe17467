// In-memory index of one partition's batches: base offset, last offset delta, file position,
// size and max timestamp, in growable typed arrays (32 bytes per batch, no per-batch objects).

export class BatchIndex {
  private base = new BigInt64Array(1024);
  private lastDelta = new Int32Array(1024);
  private pos = new Float64Array(1024);
  private size = new Int32Array(1024);
  private maxTs = new BigInt64Array(1024);
  count = 0;

  private grow(): void {
    const cap = this.base.length * 2;
    const re = <T extends { set(a: T): void }>(old: T, make: (n: number) => T): T => {
      const next = make(cap);
      next.set(old);
      return next;
    };
    this.base = re(this.base, (n) => new BigInt64Array(n));
    this.lastDelta = re(this.lastDelta, (n) => new Int32Array(n));
    this.pos = re(this.pos, (n) => new Float64Array(n));
    this.size = re(this.size, (n) => new Int32Array(n));
    this.maxTs = re(this.maxTs, (n) => new BigInt64Array(n));
  }

  push(baseOffset: bigint, lastOffsetDelta: number, filePos: number, size: number, maxTimestamp: bigint): void {
    if (this.count === this.base.length) this.grow();
    const i = this.count++;
    this.base[i] = baseOffset;
    this.lastDelta[i] = lastOffsetDelta;
    this.pos[i] = filePos;
    this.size[i] = size;
    this.maxTs[i] = maxTimestamp;
  }

  baseOffset(i: number): bigint {
    return this.base[i]!;
  }
  /** offset one past the last record of batch i */
  endOffset(i: number): bigint {
    return this.base[i]! + BigInt(this.lastDelta[i]!) + 1n;
  }
  filePos(i: number): number {
    return this.pos[i]!;
  }
  byteSize(i: number): number {
    return this.size[i]!;
  }
  maxTimestamp(i: number): bigint {
    return this.maxTs[i]!;
  }

  /** Index of the batch containing offset (or the first batch after it), -1 when beyond the end. */
  findByOffset(offset: bigint): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.base[mid]! <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found === -1) return this.count > 0 ? 0 : -1;
    if (this.endOffset(found) > offset) return found;
    return found + 1 < this.count ? found + 1 : -1;
  }

  /** First batch whose max timestamp is >= ts (linear scan: timestamps need not be monotonic). */
  findByTimestamp(ts: bigint, from = 0): number {
    for (let i = from; i < this.count; i++) if (this.maxTs[i]! >= ts) return i;
    return -1;
  }
}
