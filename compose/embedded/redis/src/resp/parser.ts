import { splitInlineArgs } from './inline-args.ts';

/** One client request: the command name followed by its arguments, all binary-safe. */
export type Command = Buffer[];

export interface ParserLimits {
  /** Largest accepted bulk string, like Redis' `proto-max-bulk-len` (512 MiB). */
  maxBulkBytes: number;
  /** Most bytes one connection may have buffered for a command not yet complete. */
  maxPendingBytes: number;
}

export const DEFAULT_PARSER_LIMITS: ParserLimits = {
  maxBulkBytes: 512 * 1024 * 1024,
  maxPendingBytes: 1024 * 1024 * 1024,
};

/** Redis refuses an inline line or a `*`/`$` header line longer than this (PROTO_INLINE_MAX_SIZE). */
const MAX_HEADER_OR_INLINE_BYTES = 64 * 1024;
const MAX_MULTIBULK_COUNT = 2 ** 31 - 1;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Why parsing stopped. `protocol` is answered with `-ERR Protocol error: <message>` before the
 * connection closes (what redis-server does); `limit` closes the connection without a reply
 * (what redis-server does when `client-query-buffer-limit` is hit).
 */
export interface ParseFailure {
  kind: 'protocol' | 'limit';
  message: string;
}

export interface ParseResult {
  commands: Command[];
  failure?: ParseFailure;
}

/**
 * Incremental RESP2 request parser. Feed it socket chunks in order; it returns every complete
 * command (pipelining) and keeps partial frames for the next chunk. After a failure it must not
 * be fed again: the connection is closed. Large bulk strings are collected as a list of chunks
 * and joined once, so a big value costs O(n) and nothing is allocated from a declared length.
 */
export class RespParser {
  private readonly limits: ParserLimits;
  private pending: Buffer = Buffer.alloc(0);
  /** Arguments read so far for the multibulk request in progress, and how many are still due. */
  private args: Buffer[] = [];
  private argsDue = 0;
  private argsBytes = 0;
  /** Bulk string in progress: its declared length and the chunks received so far. */
  private bulkLength = -1;
  private bulkChunks: Buffer[] = [];
  private bulkReceived = 0;

  constructor(limits: Partial<ParserLimits> = {}) {
    this.limits = { ...DEFAULT_PARSER_LIMITS, ...limits };
  }

  /** Bytes held for a command that is not complete yet. */
  get pendingBytes(): number {
    return this.pending.length + this.argsBytes + this.bulkReceived;
  }

  /** True while a command has started (any of its bytes arrived) but is not complete. */
  get midCommand(): boolean {
    return this.pending.length > 0 || this.argsDue > 0 || this.bulkLength >= 0;
  }

  feed(chunk: Buffer): ParseResult {
    const commands: Command[] = [];
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    this.pending = Buffer.alloc(0);
    const fail = (kind: ParseFailure['kind'], message: string): ParseResult => ({
      commands,
      failure: { kind, message },
    });

    while (pos < data.length) {
      if (this.bulkLength >= 0) {
        pos = this.continueBulk(data, pos);
        if (this.bulkLength >= 0) break; // still waiting for more bytes
        if (this.argsDue === 0) commands.push(this.takeArgs());
        continue;
      }
      if (this.argsDue > 0) {
        const lineEnd = data.indexOf(CR, pos);
        if (lineEnd < 0 || lineEnd + 1 >= data.length) {
          if (data.length - pos > MAX_HEADER_OR_INLINE_BYTES) {
            return fail('protocol', 'too big bulk count string');
          }
          break;
        }
        if (data[pos] !== 0x24 /* $ */) {
          return fail('protocol', `expected '$', got '${String.fromCharCode(data[pos] ?? 0)}'`);
        }
        const length = parseStrictInteger(data.toString('latin1', pos + 1, lineEnd));
        if (length === undefined || length < 0 || length > this.limits.maxBulkBytes) {
          return fail('protocol', 'invalid bulk length');
        }
        pos = lineEnd + 2;
        this.bulkLength = length;
        continue;
      }
      if (data[pos] === 0x2a /* * */) {
        const lineEnd = data.indexOf(CR, pos);
        if (lineEnd < 0 || lineEnd + 1 >= data.length) {
          if (data.length - pos > MAX_HEADER_OR_INLINE_BYTES) {
            return fail('protocol', 'too big mbulk count string');
          }
          break;
        }
        const count = parseStrictInteger(data.toString('latin1', pos + 1, lineEnd));
        if (count === undefined || count > MAX_MULTIBULK_COUNT) {
          return fail('protocol', 'invalid multibulk length');
        }
        pos = lineEnd + 2;
        // Like redis-server, `*0` and negative counts are an empty request: nothing to answer.
        if (count > 0) this.argsDue = count;
        continue;
      }
      const lineEnd = data.indexOf(LF, pos);
      if (lineEnd < 0) {
        if (data.length - pos > MAX_HEADER_OR_INLINE_BYTES) {
          return fail('protocol', 'too big inline request');
        }
        break;
      }
      const textEnd = lineEnd > pos && data[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      const inlineArgs = splitInlineArgs(data.subarray(pos, textEnd));
      pos = lineEnd + 1;
      if (inlineArgs === undefined) return fail('protocol', 'unbalanced quotes in request');
      if (inlineArgs.length > 0) commands.push(inlineArgs);
    }

    if (pos < data.length) this.pending = Buffer.from(data.subarray(pos));
    if (this.pendingBytes > this.limits.maxPendingBytes) {
      return fail('limit', `query buffer of ${this.pendingBytes} bytes exceeds the limit`);
    }
    return { commands };
  }

  /** Consumes bulk payload bytes (plus the trailing CRLF) from `data`; returns the new position. */
  private continueBulk(data: Buffer, pos: number): number {
    const need = this.bulkLength + 2 - this.bulkReceived;
    const take = Math.min(need, data.length - pos);
    // Fast path: the whole bulk is in this chunk, no copy needed.
    if (this.bulkReceived === 0 && take === need) {
      this.pushArg(data.subarray(pos, pos + this.bulkLength));
      return pos + take;
    }
    // No copy: every socket chunk is a fresh Buffer, and the pieces are joined once below.
    this.bulkChunks.push(data.subarray(pos, pos + take));
    this.bulkReceived += take;
    if (this.bulkReceived === this.bulkLength + 2) {
      // Like redis-server, the two bytes after the payload are skipped, not checked.
      const whole = Buffer.concat(this.bulkChunks, this.bulkReceived);
      this.pushArg(whole.subarray(0, this.bulkLength));
    }
    return pos + take;
  }

  private pushArg(arg: Buffer): void {
    this.args.push(arg);
    this.argsBytes += arg.length;
    this.argsDue -= 1;
    this.bulkLength = -1;
    this.bulkChunks = [];
    this.bulkReceived = 0;
  }

  private takeArgs(): Command {
    const command = this.args;
    this.args = [];
    this.argsBytes = 0;
    return command;
  }
}

/**
 * Parses a decimal integer the way Redis' string2ll does: optional minus, no plus, no spaces,
 * no leading zeros, within the signed 64-bit range. Returns undefined when not such a number.
 * Values beyond 2^53 lose precision as a JS number; callers needing exact int64 use BigInt.
 */
export function parseStrictInteger(text: string): number | undefined {
  // Fast path for the common short header lengths; exact as a double up to 15 digits.
  if (text.length <= 15) return /^(0|-?[1-9][0-9]*)$/.test(text) ? Number(text) : undefined;
  const value = parseStrictBigInt(text);
  return value === undefined ? undefined : Number(value);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function parseStrictBigInt(text: string): bigint | undefined {
  if (!/^(0|-?[1-9][0-9]{0,19})$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

export function isInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}
