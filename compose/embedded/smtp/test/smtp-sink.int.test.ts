import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMailbox, startSmtpSink, type RunningSmtpSink } from '../src/index.ts';

// A real SMTP client (nodemailer) against the sink, then the stored files read back.
let dir: string;
let sink: RunningSmtpSink;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-smtp-'));
  sink = await startSmtpSink({ port: 0, dataDir: dir, maxMessageBytes: 64 * 1024 });
});

afterAll(async () => {
  await sink?.close();
  await rm(dir, { recursive: true, force: true });
});

function send(message: nodemailer.SendMailOptions) {
  return nodemailer.createTransport(sink.url).sendMail({ from: 'Shop <orders@tributary.test>', ...message });
}

describe('smtp sink', () => {
  it('stores what a real client sends, and reads it back', async () => {
    expect(sink.url).toBe(`smtp://127.0.0.1:${sink.port}`);
    await send({ to: 'c-1@customers.tributary.test', subject: 'Your order', text: 'Thank you.\nIt ships soon.', messageId: '<one@tributary.local>' });

    const mails = (await readMailbox(sink.mailDir)).filter((mail) => mail.messageId === '<one@tributary.local>');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      from: '"Shop" <orders@tributary.test>',
      to: 'c-1@customers.tributary.test',
      subject: 'Your order',
      text: 'Thank you.\nIt ships soon.\n',
      file: path.join(sink.mailDir, 'one@tributary.local.eml'),
    });
    expect(mails[0]?.date).toBeInstanceOf(Date);
  });

  it('stores a message redelivered with the same Message-ID once', async () => {
    const before = sink.stats();
    const first = await send({ to: 'a@x.test', subject: 'first', text: 'a', messageId: '<dup@tributary.local>' });
    const again = await send({ to: 'a@x.test', subject: 'second try', text: 'a', messageId: '<dup@tributary.local>' });
    // Both deliveries are accepted (a refusal would make the sender retry forever)...
    expect(first.accepted).toEqual(['a@x.test']);
    expect(again.accepted).toEqual(['a@x.test']);
    // ...but only the first is kept.
    const dups = (await readMailbox(sink.mailDir)).filter((mail) => mail.messageId === '<dup@tributary.local>');
    expect(dups.map((mail) => mail.subject)).toEqual(['first']);
    expect(sink.stats()).toEqual({ stored: before.stored + 1, duplicates: before.duplicates + 1 });
  });

  it('hashes a Message-ID that is not a safe file name', async () => {
    await send({ to: 'a@x.test', subject: 'odd id', text: 'a', messageId: '<../../etc/passwd@evil>' });
    const [odd] = (await readMailbox(sink.mailDir)).filter((mail) => mail.subject === 'odd id');
    expect(path.dirname(odd?.file ?? '')).toBe(sink.mailDir);
    expect(path.basename(odd?.file ?? '')).toMatch(/^id-[0-9a-f]{64}\.eml$/);
  });

  it('refuses a message over the size limit and stores nothing', async () => {
    const before = await readdir(sink.mailDir);
    await expect(send({ to: 'a@x.test', subject: 'big', text: 'x'.repeat(100 * 1024) })).rejects.toMatchObject({ responseCode: 552 });
    expect(await readdir(sink.mailDir)).toEqual(before);
  });
});

describe('smtp sink cli', () => {
  it('prints exactly one readiness line, serves, and stops on SIGTERM', async () => {
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const dataDir = path.join(dir, 'cli');
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['compose/embedded/smtp/src/cli.ts', '--port', '0', '--data-dir', dataDir, '--log-level', 'silent'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = await Promise.race([poll(() => lines[0]), exited.then((code) => `exited with ${code}`)]);

    const match = /^smtp sink listening on (smtp:\/\/127\.0\.0\.1:\d+) \(mail in (.+)\)$/.exec(ready);
    expect(match, ready).not.toBeNull();
    expect(match?.[2]).toBe(path.join(dataDir, 'mail'));
    await nodemailer.createTransport(match?.[1]).sendMail({ from: 'a@x.test', to: 'b@x.test', subject: 'via cli', text: 'hi' });
    expect((await readMailbox(path.join(dataDir, 'mail'))).map((mail) => mail.subject)).toEqual(['via cli']);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines).toHaveLength(1);
  });
});

async function poll<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
