import { crc32 } from 'node:zlib';
import { deserialize, serialize } from 'bson';
import type { Doc } from '../bson-values.ts';

// On-disk record framing shared by the journal and the snapshot:
//   uint32 LE payload length | uint32 LE crc32(payload) | payload (one BSON document)
// The checksum lets a reader find where a torn or corrupted tail starts.

const HEADER = 8;
/** A single record larger than this is treated as corruption, not as a reason to allocate. */
const MAX_RECORD = 64 * 1024 * 1024;

export const DESERIALIZE_TYPED = { promoteValues: false, promoteBuffers: false, bsonRegExp: false } as const;

export function encodeRecord(doc: Doc): Buffer {
  const payload = serialize(doc, { ignoreUndefined: true });
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, HEADER);
  return out;
}

export interface DecodedRecords {
  docs: Doc[];
  /** Bytes of the prefix made of whole, valid records. */
  validLength: number;
  /** Why reading stopped early, if it did. */
  problem?: string;
}

export function decodeRecords(buf: Buffer): DecodedRecords {
  const docs: Doc[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < HEADER) return { docs, validLength: pos, problem: 'truncated record header' };
    const len = buf.readUInt32LE(pos);
    const sum = buf.readUInt32LE(pos + 4);
    if (len < 5 || len > MAX_RECORD) return { docs, validLength: pos, problem: `bad record length ${len}` };
    if (buf.length - pos - HEADER < len) return { docs, validLength: pos, problem: 'truncated record' };
    const payload = buf.subarray(pos + HEADER, pos + HEADER + len);
    if (crc32(payload) !== sum) return { docs, validLength: pos, problem: 'checksum mismatch' };
    try {
      docs.push(deserialize(payload, DESERIALIZE_TYPED) as Doc);
    } catch (err) {
      return { docs, validLength: pos, problem: `undecodable record: ${(err as Error).message}` };
    }
    pos += HEADER + len;
  }
  return { docs, validLength: pos };
}
