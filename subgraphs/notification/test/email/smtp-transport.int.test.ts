import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readMailbox, startSmtpSink } from '@tributary/embedded-smtp';
import { createSmtpTransport } from '../../src/email/smtp-transport.ts';

/** The service's own SMTP sockets (opened with TCP_NODELAY) deliver mail and report failures. */
let dir: string;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-smtp-transport-'));
  sink = await startSmtpSink({ port: 0, dataDir: dir });
});

afterAll(async () => {
  await sink?.close();
  await rm(dir, { recursive: true, force: true });
});

it('delivers several messages over the pooled connection', async () => {
  const transport = createSmtpTransport(sink.url);
  try {
    for (let i = 0; i < 3; i++) {
      await transport.sendMail({ from: 'orders@tributary.test', to: 'alice@customers.tributary.test', subject: `hello ${i}`, text: 'hi', messageId: `<transport-${i}@tributary.local>` });
    }
  } finally {
    transport.close();
  }
  const subjects = (await readMailbox(sink.mailDir)).map((mail) => mail.subject).sort();
  expect(subjects).toEqual(['hello 0', 'hello 1', 'hello 2']);
});

it('reports a server that is not there', async () => {
  const closed = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const transport = createSmtpTransport(`smtp://127.0.0.1:${closed}`);
  try {
    await expect(transport.sendMail({ from: 'a@tributary.test', to: 'b@tributary.test', subject: 'x', text: 'x' })).rejects.toThrow(/ECONNREFUSED/);
  } finally {
    transport.close();
  }
});
