// Zigzag varints as used inside Kafka records (varint = int32, varlong = int64 as BigInt).
// The broker only needs to read them (timestamp lookups); encoders exist for tests and symmetry.

export interface VarintResult<T> {
  value: T;
  /** index just past the varint */
  next: number;
}

export function decodeVarint(buf: Uint8Array, pos: number): VarintResult<number> {
  let raw = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (pos >= buf.length) throw new RangeError('varint runs past the buffer');
    const byte = buf[pos++]!;
    raw |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: (raw >>> 1) ^ -(raw & 1), next: pos };
    shift += 7;
  }
  throw new RangeError('varint longer than 5 bytes');
}

export function decodeVarlong(buf: Uint8Array, pos: number): VarintResult<bigint> {
  let raw = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new RangeError('varlong runs past the buffer');
    const byte = buf[pos++]!;
    raw |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: (raw >> 1n) ^ -(raw & 1n), next: pos };
    shift += 7n;
  }
  throw new RangeError('varlong longer than 10 bytes');
}

export function encodeVarint(value: number): Buffer {
  let raw = ((value << 1) ^ (value >> 31)) >>> 0;
  const out: number[] = [];
  while (raw > 0x7f) {
    out.push((raw & 0x7f) | 0x80);
    raw >>>= 7;
  }
  out.push(raw);
  return Buffer.from(out);
}

export function encodeVarlong(value: bigint): Buffer {
  let raw = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  const out: number[] = [];
  while (raw > 0x7fn) {
    out.push(Number(raw & 0x7fn) | 0x80);
    raw >>= 7n;
  }
  out.push(Number(raw));
  return Buffer.from(out);
}
