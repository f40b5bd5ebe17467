import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../telemetry/index.ts';
import { readBody } from '../node-graphql-request.ts';
import { answerRequestError, sendJson } from '../responses.ts';

// A body refused before it was read to the end (413) must not leave the keep-alive connection
// in a state where the next request on it hangs: the answer says `Connection: close` and the
// server closes the connection after it, so the client's next request opens a new one.

const LIMIT = 1024;
let server: Server;
let port: number;
const logger = createLogger('refused-body-test', 'silent');

beforeAll(async () => {
  server = createServer((req, res) => {
    const handled = req.method === 'POST' ? readBody(req, LIMIT).then((body) => sendJson(res, 200, { bytes: body.length })) : Promise.resolve(sendJson(res, 200, { ok: true }));
    handled.catch((error: unknown) => answerRequestError(res, error, logger, req.url));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  localPort: number | undefined;
}

/** One request through `agent`; the body is sent in chunks, as a slow or large upload is. */
function send(agent: Agent, method: string, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: '/graphql', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), localPort: req.socket?.localPort }));
    });
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

describe('a refused request body', () => {
  it('is answered 413 with Connection: close, and the next request on the agent is served at once', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const warm = await send(agent, 'GET');
      expect(warm.status).toBe(200);

      const refused = await send(agent, 'POST', Buffer.alloc(256 * 1024, 'x'));
      expect(refused.status).toBe(413);
      expect(refused.headers.connection).toBe('close');
      expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('BAD_REQUEST');

      const started = performance.now();
      const next = await send(agent, 'GET');
      const elapsedMs = performance.now() - started;
      expect(next.status).toBe(200);
      // Before the fix this request waited ~5 s on the old connection, then got ECONNRESET.
      expect(elapsedMs).toBeLessThan(1_000);
    } finally {
      agent.destroy();
    }
  });

  it('keeps the connection of an accepted body alive (only refusals close it)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send(agent, 'POST', Buffer.from('{"query":"{ a }"}'));
      expect(first.headers.connection).toBe('keep-alive');
      const second = await send(agent, 'GET');
      expect(second.localPort).toBe(first.localPort);
    } finally {
      agent.destroy();
    }
  });
});
