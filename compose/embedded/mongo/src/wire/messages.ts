import { deserialize, serialize } from 'bson';
import type { Doc } from '../bson-values.ts';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const HEADER_SIZE = 16;
/** maxMessageSizeBytes advertised in hello; anything larger is refused. */
export const MAX_MESSAGE_SIZE = 48_000_000;

const FLAG_CHECKSUM = 1;
const FLAG_MORE_TO_COME = 2;

/** Options that keep the client's number types (Int32/Double/Long) and key order. */
export const DESERIALIZE_OPTIONS = { promoteValues: false, promoteBuffers: false, bsonRegExp: false } as const;

/** A message that cannot be understood; the connection that sent it is closed. */
export class ProtocolError extends Error {}

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export function readHeader(buf: Buffer): Header {
  return {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

export interface ParsedCommand {
  body: Doc;
  /** OP_MSG moreToCome: the client expects no reply. */
  noReply: boolean;
}

function readDocument(buf: Buffer, pos: number, end: number): { doc: Doc; next: number } {
  if (end - pos < 5) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(pos);
  if (size < 5 || pos + size > end) throw new ProtocolError(`invalid BSON document size ${size}`);
  try {
    return { doc: deserialize(buf.subarray(pos, pos + size), DESERIALIZE_OPTIONS) as Doc, next: pos + size };
  } catch (err) {
    throw new ProtocolError(`malformed BSON: ${(err as Error).message}`);
  }
}

function readCString(buf: Buffer, pos: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, pos);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated cstring');
  return { value: buf.toString('utf8', pos, zero), next: zero + 1 };
}

/** OP_MSG: flags, one kind-0 body, kind-1 document sequences merged into the body. */
export function parseOpMsg(msg: Buffer): ParsedCommand {
  if (msg.length < HEADER_SIZE + 5) throw new ProtocolError('OP_MSG too short');
  const flags = msg.readUInt32LE(HEADER_SIZE);
  const end = flags & FLAG_CHECKSUM ? msg.length - 4 : msg.length;
  let pos = HEADER_SIZE + 4;
  let body: Doc | undefined;
  const sequences: Array<[string, Doc[]]> = [];
  while (pos < end) {
    const kind = msg[pos++];
    if (kind === 0) {
      if (body) throw new ProtocolError('OP_MSG has more than one kind-0 section');
      const r = readDocument(msg, pos, end);
      body = r.doc;
      pos = r.next;
    } else if (kind === 1) {
      if (end - pos < 4) throw new ProtocolError('truncated document sequence');
      const size = msg.readInt32LE(pos);
      const seqEnd = pos + size;
      if (size < 5 || seqEnd > end) throw new ProtocolError(`invalid document sequence size ${size}`);
      const id = readCString(msg, pos + 4, seqEnd);
      const docs: Doc[] = [];
      let p = id.next;
      while (p < seqEnd) {
        const r = readDocument(msg, p, seqEnd);
        docs.push(r.doc);
        p = r.next;
      }
      sequences.push([id.value, docs]);
      pos = seqEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG without a body section');
  for (const [id, docs] of sequences) body[id] = docs;
  return { body, noReply: (flags & FLAG_MORE_TO_COME) !== 0 };
}

/** Legacy OP_QUERY, only used for `<db>.$cmd` commands (the first handshake). */
export function parseOpQuery(msg: Buffer): { db: string; body: Doc } {
  let pos = HEADER_SIZE + 4;
  const ns = readCString(msg, pos, msg.length);
  pos = ns.next + 8;
  const { doc } = readDocument(msg, pos, msg.length);
  const dot = ns.value.indexOf('.');
  const db = dot < 0 ? ns.value : ns.value.slice(0, dot);
  if (!ns.value.endsWith('.$cmd')) throw new ProtocolError(`legacy OP_QUERY on ${ns.value} is not supported`);
  // Old drivers wrap the command as {$query: cmd, $readPreference: ...}.
  const body = doc.$query && typeof doc.$query === 'object' ? (doc.$query as Doc) : doc;
  return { db, body };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_SIZE);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function encodeOpMsg(requestId: number, responseTo: number, doc: Doc): Buffer {
  const body = serialize(doc, { ignoreUndefined: true });
  const prefix = Buffer.alloc(5); // flags (0) + section kind 0
  return Buffer.concat([header(HEADER_SIZE + 5 + body.length, requestId, responseTo, OP_MSG), prefix, body]);
}

export function encodeOpReply(requestId: number, responseTo: number, doc: Doc): Buffer {
  const body = serialize(doc, { ignoreUndefined: true });
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(8, 0); // AwaitCapable
  // cursorId (8 bytes) = 0, startingFrom = 0
  fields.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([header(HEADER_SIZE + 20 + body.length, requestId, responseTo, OP_REPLY), fields, body]);
}
