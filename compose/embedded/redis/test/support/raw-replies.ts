import { createConnection } from 'node:net';

/** Index just past the RESP reply starting at `start`, or -1 if the buffer ends first. */
function replyEnd(data: Buffer, start: number): number {
  const lineEnd = data.indexOf('\r\n', start);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(data[start] ?? 0);
  const count = Number(data.toString('latin1', start + 1, lineEnd));
  if (type === '$') {
    if (count < 0) return lineEnd + 2;
    const end = lineEnd + 2 + count + 2;
    return end <= data.length ? end : -1;
  }
  if (type === '*') {
    let position = lineEnd + 2;
    for (let i = 0; i < count; i++) {
      position = replyEnd(data, position);
      if (position < 0) return -1;
    }
    return position;
  }
  return lineEnd + 2; // + - : are single lines
}

/** Splits a stream of RESP2 replies into one latin1 string per reply. */
export function splitReplies(data: Buffer): string[] {
  const replies: string[] = [];
  let position = 0;
  while (position < data.length) {
    const end = replyEnd(data, position);
    if (end < 0) break;
    replies.push(data.toString('latin1', position, end));
    position = end;
  }
  return replies;
}

/**
 * Sends `requests` on a fresh connection and returns every reply, split per request. Waits for
 * `expectedReplies`, bounded by `timeoutMs`.
 */
export function sendRaw(port: number, requests: Buffer, expectedReplies: number, timeoutMs = 10_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`got ${splitReplies(Buffer.concat(chunks)).length}/${expectedReplies} replies in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => socket.write(requests));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const replies = splitReplies(Buffer.concat(chunks));
      if (replies.length >= expectedReplies) {
        clearTimeout(timer);
        socket.destroy();
        resolve(replies);
      }
    });
    socket.once('error', (cause) => {
      clearTimeout(timer);
      reject(cause);
    });
  });
}
