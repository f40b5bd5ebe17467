// Types for the kafkajs internals the codec tests import to cross-check our encoders.
// (kafkajs ships these files as CommonJS without declarations.)
declare module 'kafkajs/src/protocol/recordBatch/crc32C/index.js' {
  const crc32C: (buffer: Buffer) => number;
  export default crc32C;
}
declare module 'kafkajs/src/protocol/recordBatch/v0/index.js' {
  export const RecordBatch: (args: {
    compression?: number;
    firstOffset?: unknown;
    firstTimestamp?: number;
    maxTimestamp?: number;
    lastOffsetDelta?: number;
    transactional?: boolean;
    producerId?: unknown;
    records?: unknown[];
  }) => Promise<{ buffer: Buffer }>;
}
declare module 'kafkajs/src/protocol/recordBatch/record/v0/index.js' {
  const Record: (args: {
    offsetDelta?: number;
    timestampDelta?: number;
    key: Buffer | string | null;
    value: Buffer | string | null;
    headers?: Record<string, string>;
  }) => unknown;
  export default Record;
}
declare module 'kafkajs/src/protocol/encoder.js' {
  export default class Encoder {
    buffer: Buffer;
    writeVarInt(value: number): Encoder;
    writeVarLong(value: unknown): Encoder;
  }
}
declare module 'kafkajs/src/protocol/decoder.js' {
  export default class Decoder {
    constructor(buffer: Buffer);
    readVarInt(): number;
    readVarLong(): { toString(): string };
  }
}
declare module 'kafkajs/src/utils/long.js' {
  const Long: { fromString(s: string): unknown; fromValue(v: unknown): unknown; fromInt(n: number): unknown };
  export default Long;
}
