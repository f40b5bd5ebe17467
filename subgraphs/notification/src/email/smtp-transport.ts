import net from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';

type SocketCallback = (error: Error | null, socket?: { connection: net.Socket }) => void;

/**
 * The pooled SMTP transport of the notification service. SMTP is a chain of small writes, each
 * waiting for a reply; with Nagle's algorithm on, every one of them also waited for the server's
 * delayed ACK — measured ~150 ms per message against 4 ms with TCP_NODELAY. nodemailer has no
 * option for it, so plain `smtp://` connections are opened here; `smtps://` (TLS from the first
 * byte) keeps nodemailer's own socket.
 */
export function createSmtpTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:') return nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 4 });
  const host = url.hostname;
  const port = Number(url.port || 25);
  const auth = url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined;
  // nodemailer only uses `getSocket` when the server is given as host/port (not as a url).
  return nodemailer.createTransport({
    host,
    port,
    ...(auth ? { auth } : {}),
    pool: true,
    maxConnections: 4,
    getSocket(_options: unknown, callback: SocketCallback) {
      const socket = net.connect(port, host);
      socket.setNoDelay(true);
      const failed = (error: Error) => callback(error);
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.off('error', failed);
        callback(null, { connection: socket });
      });
    },
  } as Parameters<typeof nodemailer.createTransport>[0]);
}
