import path from 'node:path';
import { simpleParser } from 'mailparser';
import { pino, type Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { storeMessage } from './mail-store.ts';

export interface SmtpSinkOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to bind; defaults to 127.0.0.1 (no auth, no TLS: keep it on loopback). */
  host?: string;
  /** Messages go to `<dataDir>/mail/`. */
  dataDir: string;
  logger?: Logger;
  /** Largest message accepted, in bytes; default 1 MiB. */
  maxMessageBytes?: number;
}

export interface RunningSmtpSink {
  /** `smtp://host:port`, for nodemailer or SMTP_URL. */
  url: string;
  port: number;
  /** Where the .eml files are; read them with readMailbox. */
  mailDir: string;
  /** Messages received since start: stored, and dropped as duplicates of a stored Message-ID. */
  stats(): { stored: number; duplicates: number };
  close(): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** An SMTP error with the reply code the client should see. */
function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * A local SMTP server that accepts every message and stores it as a file, so development and
 * tests send real mail through a real SMTP client without any external service. It is a sink,
 * not a relay: nothing is forwarded anywhere.
 */
export async function startSmtpSink(options: SmtpSinkOptions): Promise<RunningSmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino({ level: 'silent' });
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const mailDir = path.join(options.dataDir, 'mail');
  const counts = { stored: 0, duplicates: 0 };

  async function receive(stream: SMTPServerDataStream): Promise<string> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      // Keep draining (the client is still sending) but stop buffering past the limit.
      if (bytes <= maxBytes) chunks.push(chunk);
    }
    if (stream.sizeExceeded || bytes > maxBytes) throw smtpError(`message exceeds the ${maxBytes}-byte limit`, 552);
    const raw = Buffer.concat(chunks);
    const { messageId } = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
    const outcome = await storeMessage(mailDir, messageId, raw);
    counts[outcome.stored ? 'stored' : 'duplicates'] += 1;
    logger.info({ messageId, file: outcome.file, duplicate: !outcome.stored }, outcome.stored ? 'stored message' : 'duplicate message ignored');
    // A duplicate is still accepted: refusing it would make the sender retry forever.
    return outcome.stored ? 'stored' : 'duplicate of a stored message, ignored';
  }

  const server = new SMTPServer({
    // Loopback development sink: anyone may send, nothing to authenticate, no certificates.
    authOptional: true,
    // No reverse DNS of the client address: on loopback it only adds a lookup to each connection.
    disableReverseLookup: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    logger: false,
    // Clients of this sink hang up after each message; do not hold a stop up for 30 s.
    closeTimeout: 1_000,
    onData(stream, _session, callback) {
      receive(stream).then(
        (message) => callback(null, message),
        (error: unknown) => {
          if (!(error as { responseCode?: number }).responseCode) logger.error({ err: error }, 'could not store a message');
          callback(error instanceof Error && 'responseCode' in error ? error : smtpError('could not store the message', 451));
        },
      );
    },
  });
  server.on('error', (error) => logger.warn({ err: error }, 'smtp connection error'));
  // SMTP replies are small writes; without this each could wait for the client's delayed ACK.
  server.server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('smtp sink has no TCP address');
  const port = address.port;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    return closed;
  };
  logger.info({ host, port, mailDir }, 'smtp sink listening');
  return { url: `smtp://${host}:${port}`, port, mailDir, stats: () => ({ ...counts }), close };
}
