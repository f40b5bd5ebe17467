/**
 * When the server last handed a message to a client socket, so that a fan-out's latency can be
 * split into the server's share (sentAt -> last socket write) and the rest (the network and the
 * load clients, which share their own core). Bench-only: it wraps ws's send in the server
 * process under test, which costs one clock read per message.
 */
import WebSocket from 'ws';
import { monotonicMs } from './pulses.ts';

let last = Number.NaN;

export function installSendClock(): { lastSendAt(): number } {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<WebSocket['send']>) {
    last = monotonicMs();
    return send.apply(this, args);
  } as WebSocket['send'];
  return { lastSendAt: () => last };
}
