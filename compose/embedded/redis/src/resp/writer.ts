/**
 * RESP2 reply encoders. Every reply is encoded to a Buffer right away: command handlers return
 * ready-to-write bytes, and arrays are built from already-encoded elements.
 */
const CRLF = Buffer.from('\r\n');

export function simple(text: string): Buffer {
  return Buffer.from(`+${text}\r\n`);
}

/** `message` starts with the error code, e.g. `ERR syntax error` or `WRONGTYPE ...`. */
export function error(message: string): Buffer {
  // A reply line must not contain CR/LF; redis-server replaces them the same way. latin1, because
  // arguments quoted in messages were decoded as latin1 and must come back byte for byte.
  return Buffer.from(`-${message.replace(/[\r\n]/g, ' ')}\r\n`, 'latin1');
}

export function integer(value: number | bigint): Buffer {
  return Buffer.from(`:${value}\r\n`);
}

export function bulk(value: Buffer | string | null | undefined): Buffer {
  if (value === null || value === undefined) return NULL_BULK;
  const payload = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, CRLF]);
}

export function array(encodedItems: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(`*${encodedItems.length}\r\n`), ...encodedItems]);
}

export function bulkArray(values: Array<Buffer | string | null | undefined>): Buffer {
  return array(values.map(bulk));
}

export const OK = simple('OK');
export const NULL_BULK = Buffer.from('$-1\r\n');
export const NULL_ARRAY = Buffer.from('*-1\r\n');
export const ZERO = integer(0);
export const ONE = integer(1);
