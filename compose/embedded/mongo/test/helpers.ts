import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from 'pino';
import { startMongo } from '../src/index.ts';
import type { MongoServerOptions, RunningMongoServer } from '../src/index.ts';

export async function tempDir(prefix = 'tributary-mongo-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A logger that keeps its lines in memory, so tests can assert on warnings. */
export function memoryLogger(level = 'warn'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

export interface TestServer {
  server: RunningMongoServer;
  dataDir: string;
  lines: Array<Record<string, unknown>>;
  restart(): Promise<RunningMongoServer>;
  stop(): Promise<void>;
}

/** Starts a server on a free port in a temp dir; stop() closes it and removes the dir. */
export async function startTestServer(options: Partial<MongoServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await tempDir());
  const { logger, lines } = memoryLogger();
  const t: TestServer = {
    server: await startMongo({ logger, ...options, dataDir }),
    dataDir,
    lines,
    async restart() {
      await t.server.close();
      t.server = await startMongo({ logger, ...options, dataDir });
      return t.server;
    },
    async stop() {
      await t.server.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}
