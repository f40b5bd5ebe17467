/**
 * A load client process: opens many WebSocket connections speaking graphql-transport-ws itself
 * (raw `ws`, lighter than a graphql-ws client per connection), one subscription on each, and
 * records receive time − sentAt for every event on every connection.
 */
import WebSocket from 'ws';
import { serveDriver } from './ipc.ts';
import { monotonicMs } from './pulses.ts';

interface Connection {
  ws: WebSocket;
  seen: Set<number>;
}

let connections: Connection[] = [];
/** Per event: connections that got it, and their latencies (ms). */
let perSeq = new Map<number, { count: number; latencies: number[] }>();
let duplicates = 0;
let problems: string[] = [];
/** Set while the driver drops the connections: their closes are expected then. */
let closing = false;

const driver = serveDriver({ open, collect, close });

function problem(text: string): void {
  // A few are enough to tell what went wrong; thousands of the same would only flood the IPC.
  if (problems.length < 20) problems.push(text);
}

function received(connection: Connection, seq: number, latency: number): void {
  if (connection.seen.has(seq)) {
    duplicates += 1;
    return;
  }
  connection.seen.add(seq);
  const entry = perSeq.get(seq) ?? { count: 0, latencies: [] };
  entry.count += 1;
  entry.latencies.push(latency);
  perSeq.set(seq, entry);
  // The driver waits for this before the next event, so that each fan-out is measured alone.
  if (entry.count === connections.length) driver.notify('delivered', seq);
}

function connect(url: string, query: string, token: string | undefined): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
    const connection: Connection = { ws, seen: new Set() };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no connection_ack within 30 s'));
    }, 30_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} })));
    ws.on('message', (data) => {
      // Taken before parsing: the client's own work should count as little as possible.
      const at = monotonicMs();
      const message = JSON.parse(String(data)) as { type: string; payload?: { data?: { pulses?: { seq: number; sentAt: number } }; errors?: unknown } };
      if (message.type === 'next') {
        const pulse = message.payload?.data?.pulses;
        if (pulse) received(connection, pulse.seq, at - pulse.sentAt);
        else problem(`next without a pulse: ${JSON.stringify(message.payload).slice(0, 300)}`);
      } else if (message.type === 'connection_ack') {
        clearTimeout(timer);
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        resolve(connection);
      } else if (message.type === 'ping') {
        ws.send('{"type":"pong"}');
      } else if (message.type === 'error' || message.type === 'complete') {
        problem(`${message.type}: ${JSON.stringify(message.payload ?? null).slice(0, 300)}`);
      }
    });
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      if (!closing) problem(`closed by the server: ${code} ${String(reason)}`);
      reject(new Error(`closed before connection_ack: ${code} ${String(reason)}`));
    });
    ws.on('error', (error) => problem(`socket error: ${error.message}`));
  });
}

/**
 * Opens `count` subscribers, `batch` handshakes at a time. Tokens go round-robin from
 * `firstSubscriber` (this process's place among all subscribers), so K callers over all the
 * client processes are K distinct callers, not K per process.
 */
async function open(options: { url: string; query: string; count: number; batch: number; tokens: string[]; firstSubscriber: number }): Promise<number> {
  closing = false;
  for (let start = 0; start < options.count; start += options.batch) {
    const size = Math.min(options.batch, options.count - start);
    const opened = await Promise.all(
      Array.from({ length: size }, (_, i) => connect(options.url, options.query, options.tokens.length ? options.tokens[(options.firstSubscriber + start + i) % options.tokens.length] : undefined)),
    );
    connections.push(...opened);
    driver.notify('progress', connections.length);
  }
  return connections.length;
}

/** Latencies of the given events, and how many deliveries of them never came. */
function collect({ seqs }: { seqs: number[] }): { latencies: number[]; missing: number; duplicates: number; problems: string[] } {
  const latencies = seqs.flatMap((seq) => perSeq.get(seq)?.latencies ?? []);
  const missing = connections.length * seqs.length - latencies.length;
  return { latencies, missing, duplicates, problems };
}

/** Drops every connection and forgets this configuration. */
async function close(): Promise<void> {
  closing = true;
  const closed = connections.map(({ ws }) => new Promise((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve(undefined) : ws.once('close', resolve))));
  for (const { ws } of connections) ws.terminate();
  await Promise.all(closed);
  connections = [];
  perSeq = new Map();
  duplicates = 0;
  problems = [];
}

driver.notify('ready', { pid: process.pid });
