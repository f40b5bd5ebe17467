import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Doc } from './bson-values.ts';
import type { CommandRunner } from './command-runner.ts';
import { MongoServerError, errorReply } from './errors.ts';
import { FrameReader } from './wire/frame-reader.ts';
import {
  OP_COMPRESSED, OP_MSG, OP_QUERY, ProtocolError, encodeOpMsg, encodeOpReply, parseOpMsg, parseOpQuery, readHeader,
} from './wire/messages.ts';

let nextRequestId = 1;

/** How long a connection may stay silent in the middle of a message. */
export const DEFAULT_PARTIAL_FRAME_TIMEOUT_MS = 30_000;

/**
 * One client socket: splits frames, runs their commands in order, writes replies.
 * Anything we cannot parse closes this socket only; other clients are unaffected.
 */
export function serveConnection(
  socket: Socket,
  connectionId: number,
  runner: CommandRunner,
  logger: Logger,
  partialFrameTimeoutMs = DEFAULT_PARTIAL_FRAME_TIMEOUT_MS,
): void {
  const log = logger.child({ conn: connectionId, remote: `${socket.remoteAddress}:${socket.remotePort}` });
  const reader = new FrameReader();
  // A client that sends part of a message and goes quiet would hold its buffer forever: past the
  // timeout (restarted by every chunk) the connection is closed. Idle between messages is fine.
  let partialTimer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  socket.setNoDelay(true);

  const fail = (reason: string): void => {
    log.warn({ reason }, 'closing connection after a bad message');
    socket.destroy();
  };

  const send = (buf: Buffer): void => {
    if (!socket.destroyed) socket.write(buf);
  };

  const handleFrame = async (frame: Buffer): Promise<void> => {
    const header = readHeader(frame);
    const encode = (legacy: boolean) => (doc: Doc): Buffer =>
      legacy ? encodeOpReply(nextRequestId++, header.requestId, doc) : encodeOpMsg(nextRequestId++, header.requestId, doc);
    const reply = (doc: Doc, legacy: boolean): void => {
      let buf: Buffer;
      try {
        buf = encode(legacy)(doc);
      } catch (err) {
        // A reply that cannot be encoded (too large) becomes an error reply, not a dead socket.
        log.warn({ err }, 'reply could not be encoded');
        buf = encode(legacy)(errorReply(MongoServerError.of('BSONObjectTooLarge', `reply could not be encoded: ${(err as Error).message}`)));
      }
      send(buf);
    };
    switch (header.opCode) {
      case OP_MSG: {
        const { body, noReply } = parseOpMsg(frame);
        const db = typeof body.$db === 'string' ? body.$db : 'admin';
        const result = await runner.run(body, db, connectionId);
        if (!noReply) reply(result, false);
        return;
      }
      case OP_QUERY: {
        const { db, body } = parseOpQuery(frame);
        reply(await runner.run(body, db, connectionId), true);
        return;
      }
      case OP_COMPRESSED:
        throw new ProtocolError('OP_COMPRESSED received but compression was never negotiated');
      default:
        throw new ProtocolError(`unsupported opCode ${header.opCode}`);
    }
  };

  socket.on('data', (chunk: Buffer) => {
    let frames: Buffer[];
    try {
      frames = reader.push(chunk);
    } catch (err) {
      fail((err as Error).message);
      return;
    }
    clearTimeout(partialTimer);
    partialTimer = reader.midFrame
      ? setTimeout(() => fail(`no complete message within ${partialFrameTimeoutMs} ms`), partialFrameTimeoutMs).unref()
      : undefined;
    for (const frame of frames) {
      chain = chain
        .then(() => (socket.destroyed ? undefined : handleFrame(frame)))
        .catch((err: unknown) => {
          if (err instanceof ProtocolError) fail(err.message);
          else {
            log.error({ err }, 'unexpected error while serving a message');
            socket.destroy();
          }
        });
    }
  });
  socket.on('error', (err) => log.debug({ err }, 'socket error'));
  socket.on('close', () => {
    clearTimeout(partialTimer);
    runner.cursors.releaseOwner(connectionId);
    log.debug('connection closed');
  });
}
