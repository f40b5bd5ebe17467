// Measures the embedded MongoDB-protocol server through mongoose, the way the services use it.
// Every phase is bounded in operations and time so the whole run stays well under a minute.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';

const PHASE_MAX_MS = 6000;

interface Result {
  phase: string;
  ops: number;
  seconds: number;
}

async function phase(name: string, maxOps: number, op: (i: number) => Promise<unknown>, concurrency = 1): Promise<Result> {
  process.stderr.write(`bench: ${name} (up to ${maxOps} ops, ${PHASE_MAX_MS} ms)...\n`);
  const started = performance.now();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < maxOps && performance.now() - started < PHASE_MAX_MS) {
      const i = next++;
      await op(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`bench: ${name}: ${done} ops in ${seconds.toFixed(2)} s\n`);
  return { phase: name, ops: done, seconds };
}

/** The server runs in its own process, as in the dev stack, so client and server do not share a core. */
async function startServer(dataDir: string): Promise<{ child: ChildProcess; uri: string }> {
  const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 20 s')), 20_000);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
  return { child, uri };
}

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tributary-mongo-bench-'));
  const server = await startServer(dataDir);
  const conn = await mongoose.createConnection(`${server.uri}/bench`, { serverSelectionTimeoutMS: 5000 }).asPromise();
  const results: Result[] = [];
  try {
    const Account = conn.model(
      'Account',
      new mongoose.Schema({ key: { type: String, unique: true }, owner: String, balance: Number, tags: [String] }),
    );
    await Account.init();
    results.push(await phase('create (sequential)', 2000, (i) => Account.create({ key: `seq-${i}`, owner: `o${i % 50}`, balance: i, tags: ['a'] })));
    results.push(await phase('create (10 concurrent)', 4000, (i) => Account.create({ key: `con-${i}`, owner: `o${i % 50}`, balance: i }), 10));
    const batchResult = await phase('insertMany x100 (batches)', 100, (b) =>
      Account.insertMany(Array.from({ length: 100 }, (_, i) => ({ key: `batch-${b}-${i}`, owner: 'bulk', balance: i }))),
    );
    results.push({ phase: 'insertMany x100 (documents)', ops: batchResult.ops * 100, seconds: batchResult.seconds });
    const total = await Account.estimatedDocumentCount();
    process.stderr.write(`bench: collection holds ${total} documents\n`);
    results.push(await phase('findOne by unique key', 5000, (i) => Account.findOne({ key: `seq-${i % 500}` }).lean()));
    results.push(await phase('findOneAndUpdate $inc', 3000, (i) =>
      Account.findOneAndUpdate({ key: `seq-${i % 500}` }, { $inc: { balance: 1 } }, { returnDocument: 'after' }).lean(),
    ));
    results.push(await phase('findOneAndUpdate $inc (10 concurrent)', 5000, (i) =>
      Account.findOneAndUpdate({ key: `seq-${i % 500}` }, { $inc: { balance: 1 } }, { returnDocument: 'after' }).lean(), 10,
    ));
  } finally {
    await conn.close();
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM');
    await exited;
    await fs.rm(dataDir, { recursive: true, force: true });
  }
  const rows = results.map((r) => ({ phase: r.phase, ops: r.ops, seconds: r.seconds.toFixed(2), 'ops/s': Math.round(r.ops / r.seconds) }));
  process.stdout.write(`embedded mongo (separate process), mongoose ${mongoose.version}, fsync=always, node ${process.version}\n`);
  console.table(rows);
}

await main();
