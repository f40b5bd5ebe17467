import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { RespParser, type ParserLimits } from '../resp/parser.ts';
import { error } from '../resp/writer.ts';
import { dispatch } from '../commands/dispatch.ts';
import { dropSubscriptions } from '../commands/pubsub.ts';
import { unwatchAll } from '../commands/transactions.ts';
import type { ClientState, CommandSpec, ServerState } from '../commands/types.ts';

export interface ConnectionLimits extends ParserLimits {
  /**
   * Unsent bytes allowed for a subscriber that does not read; beyond it the connection is
   * dropped (redis-server's default `client-output-buffer-limit pubsub` hard limit is 32 MiB).
   */
  maxSubscriberOutputBytes: number;
  /**
   * A connection that has sent part of a command and then nothing for this long is closed: it
   * holds a socket and its buffered bytes for no one. Idle between commands is fine (as in
   * redis-server with `timeout 0`).
   */
  partialFrameTimeoutMs: number;
}

export interface ConnectionDeps {
  readonly id: number;
  readonly table: ReadonlyMap<string, CommandSpec>;
  readonly server: ServerState;
  readonly limits: ConnectionLimits;
  readonly logger: Logger;
}

/** Above this many unsent reply bytes we stop reading requests until the client catches up. */
const PAUSE_READING_ABOVE_BYTES = 1024 * 1024;
/** How long a closing connection may take to hand its last replies to a peer that does not read. */
const CLOSE_GRACE_MS = 5_000;

/**
 * Serves one client socket: parses requests, runs them in order and writes replies. Replies of
 * a chunk (a pipeline) are joined into one write; pushed pub/sub messages are batched per tick.
 */
export function serveConnection(socket: Socket, deps: ConnectionDeps): void {
  const log = deps.logger.child({ client: deps.id, remote: `${socket.remoteAddress}:${socket.remotePort}` });
  const parser = new RespParser(deps.limits);
  let outbox: Buffer[] = [];
  let flushScheduled = false;
  let closing = false;

  const flush = (): void => {
    flushScheduled = false;
    if (outbox.length === 0 || socket.destroyed) return;
    const pending = outbox;
    outbox = [];
    socket.write(pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending));
  };

  const closeAfterFlush = (): void => {
    closing = true;
    flush();
    socket.end();
    // Like redis-server, close for good once the reply is out, even if the peer keeps sending;
    // and do not wait forever on a peer that never reads the reply.
    socket.once('finish', () => socket.destroy());
    socket.setTimeout(CLOSE_GRACE_MS, () => socket.destroy());
  };

  const client: ClientState = {
    id: deps.id,
    name: null,
    db: 0,
    channels: new Set(),
    patterns: new Set(),
    closeAfterReply: false,
    transaction: null,
    watch: { dirty: false, keys: [] },
    subscriber: {
      deliver: (message) => {
        if (closing) return;
        if (socket.writableLength > deps.limits.maxSubscriberOutputBytes) {
          log.warn({ unsentBytes: socket.writableLength }, 'subscriber is not reading; closing it');
          closing = true;
          // Unsubscribe now rather than on 'close', so later PUBLISH counts no longer include it.
          dropSubscriptions(client, deps);
          socket.destroy();
          return;
        }
        outbox.push(message);
        if (!flushScheduled) {
          flushScheduled = true;
          process.nextTick(flush);
        }
      },
    },
  };

  const runSafely = (args: Buffer[]): Buffer => {
    try {
      return dispatch(deps.table, deps.server, client, args);
    } catch (cause) {
      // A bug in one command must not take the server down; the client sees a plain error.
      log.error({ err: cause, command: args[0]?.toString('latin1') }, 'command failed');
      return error('ERR internal error in embedded redis');
    }
  };

  // Armed while a command is incomplete, re-armed by each chunk, cleared once it completes.
  let partialTimer: NodeJS.Timeout | undefined;
  const clearPartialTimer = (): void => {
    clearTimeout(partialTimer);
    partialTimer = undefined;
  };
  const watchPartialCommand = (): void => {
    if (!parser.midCommand) return clearPartialTimer();
    if (partialTimer) {
      partialTimer.refresh();
      return;
    }
    partialTimer = setTimeout(() => {
      partialTimer = undefined;
      log.warn({ timeoutMs: deps.limits.partialFrameTimeoutMs, pendingBytes: parser.pendingBytes }, 'partial command idle too long; closing connection');
      closing = true;
      socket.destroy();
    }, deps.limits.partialFrameTimeoutMs);
    partialTimer.unref();
  };

  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    const { commands, failure } = parser.feed(chunk);
    watchPartialCommand();
    for (const args of commands) {
      outbox.push(runSafely(args));
      if (client.closeAfterReply) {
        closeAfterFlush();
        return;
      }
    }
    if (failure?.kind === 'protocol') {
      log.warn({ reason: failure.message }, 'protocol error; closing connection');
      outbox.push(error(`ERR Protocol error: ${failure.message}`));
      closeAfterFlush();
      return;
    }
    if (failure?.kind === 'limit') {
      // No error reply here, as redis-server: the replies already due still go out, then it closes.
      log.warn({ reason: failure.message }, 'query buffer limit reached; closing connection');
      closeAfterFlush();
      return;
    }
    flush();
    if (socket.writableLength > PAUSE_READING_ABOVE_BYTES) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });

  socket.on('error', (cause) => log.debug({ err: cause }, 'socket error'));
  socket.on('close', () => {
    closing = true;
    clearPartialTimer();
    dropSubscriptions(client, deps);
    unwatchAll(client);
    log.debug('client disconnected');
  });
}
