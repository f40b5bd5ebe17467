import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PID_FILE, readPidFile, StackRunningError, wipeDataDir } from '../src/data-dir.ts';
import { launchStack, type StackHandle } from '../src/launch.ts';
import { silentSink } from '../src/output.ts';
import { ChildStartError } from '../src/processes.ts';
import { allGone, EXTERNAL, failureOf, removeFakes, seen, setup } from './fixtures/launch-setup.ts';

/**
 * The launcher's wiring against stand-in servers and subgraphs (see fixtures/fake-repo.ts): what
 * each child is started with, what is skipped, and that every failure path stops what started.
 * What each subgraph's environment holds is in launch-env.int.test.ts.
 */

afterAll(removeFakes);

describe('launchStack wiring', () => {
  it('starts the servers, hands their addresses to the subgraphs, skips what is missing, and stops it all', async () => {
    const { root, dataDir, config } = await setup({ subgraphs: { order: {} } });
    const handle: StackHandle = await launchStack({ config, sink: silentSink });
    try {
      const kafka = await seen(root, 'kafka');
      const mongo = await seen(root, 'mongo');
      const redis = await seen(root, 'redis');
      const order = await seen(root, 'order');
      const kafkaPort = kafka.argv[kafka.argv.indexOf('--port') + 1];
      expect(handle.kafkaBrokers).toEqual([`127.0.0.1:${kafkaPort}`]);
      expect(kafka.argv).toContain(path.join(dataDir, 'kafka'));
      expect(mongo.argv).toContain(path.join(dataDir, 'mongo'));
      expect(redis.argv).not.toContain('--data-dir');
      for (const server of [kafka, mongo, redis]) expect(server.argv.slice(server.argv.indexOf('--log-level'))[1]).toBe(config.logLevel);
      expect((await seen(root, 'smtp')).argv).toContain(path.join(dataDir, 'smtp'));
      expect((await seen(root, 'payment-provider')).argv).not.toContain('--data-dir');
      expect(handle.paymentProviderUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(handle.smtpUrl).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
      expect(handle.mailDir).toBe(path.join(dataDir, 'smtp', 'mail'));
      expect(order.env.KAFKA_BROKERS).toBe(handle.kafkaBrokers.join(','));
      expect(order.env.MONGO_URL).toBe(`${handle.mongoUrl}/tributary_order`);
      expect(order.env.REDIS_URL).toBe(handle.redisUrl);
      expect(handle.subgraphs).toEqual([{ name: 'order', url: `http://127.0.0.1:${order.env.PORT}/graphql` }]);
      expect(handle.summary.skipped).toEqual(['inventory', 'payment', 'notification', 'gateway']);
      expect(handle.gatewayUrl).toBeUndefined();

      const pidFile = await readPidFile(dataDir);
      expect(pidFile?.pid).toBe(process.pid);
      expect(pidFile?.children.map((c) => c.name).sort()).toEqual(['kafka', 'mongo', 'order', 'payment-provider', 'redis', 'smtp']);
      // The data dir is taken while the stack runs.
      await expect(launchStack({ config, sink: silentSink })).rejects.toBeInstanceOf(StackRunningError);
      await expect(wipeDataDir(dataDir, root)).rejects.toBeInstanceOf(StackRunningError);
    } finally {
      await handle.stop();
    }
    expect(await allGone(handle.children.map((c) => c.pid))).toBe(true);
    expect(existsSync(path.join(dataDir, PID_FILE))).toBe(false);
    await wipeDataDir(dataDir, root);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('uses configured real servers instead of embedded ones, and gives the gateway the dev secret, the supergraph and every running subgraph it knows', async () => {
    const { root, dataDir, config } = await setup({
      subgraphs: { order: {}, inventory: {} },
      gateway: { supergraphSubgraphs: ['order'] },
    }, EXTERNAL);
    const handle = await launchStack({ config, sink: silentSink });
    try {
      const gateway = await seen(root, 'gateway');
      const order = handle.subgraphs.find((s) => s.name === 'order');
      expect(gateway.env.SUBGRAPH_URL_ORDER).toBe(order?.url);
      expect(gateway.env.REDIS_URL).toBe(EXTERNAL.REDIS_URL);
      // inventory runs but is not in supergraph.yaml: the gateway would reject an override for it.
      expect(gateway.env.SUBGRAPH_URL_INVENTORY).toBeUndefined();
      expect(gateway.env.JWT_SECRET_FILE).toBe(path.join(dataDir, 'auth', 'jwt-secret'));
      expect(existsSync(gateway.env.JWT_SECRET_FILE!)).toBe(true);
      expect(await readFile(gateway.env.SUPERGRAPH_PATH!, 'utf8')).toContain('join__Graph');
      expect(handle.gatewayUrl).toBe(`http://localhost:${gateway.env.GATEWAY_PORT}/graphql`);
      expect(handle.children.map((c) => c.name)).toEqual(['order', 'inventory', 'gateway']);
      expect(existsSync(path.join(root, 'seen', 'kafka.json'))).toBe(false);
      const orderSeen = await seen(root, 'order');
      expect(orderSeen.env.KAFKA_BROKERS).toBe('k:9092');
      expect(orderSeen.env.MONGO_URL).toBe('mongodb://m:27017/tributary_order');
      expect(orderSeen.env.REDIS_URL).toBe('redis://r:6379');
    } finally {
      await handle.stop();
    }
  });

  it('leaves auth to the user when JWKS_URL is set', async () => {
    const { root, dataDir, config } = await setup(
      { gateway: { supergraphSubgraphs: ['order'] } },
      { ...EXTERNAL, JWKS_URL: 'https://idp.example/jwks.json' },
    );
    const handle = await launchStack({ config, sink: silentSink });
    try {
      const gateway = await seen(root, 'gateway');
      expect(gateway.env.JWKS_URL).toBe('https://idp.example/jwks.json');
      expect(gateway.env.JWT_SECRET_FILE).toBeUndefined();
      expect(existsSync(path.join(dataDir, 'auth', 'jwt-secret'))).toBe(false);
    } finally {
      await handle.stop();
    }
  });

  it('fails at once, starting nothing, when the gateway port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const { root, config } = await setup({ gateway: { supergraphSubgraphs: ['order'] } }, { GATEWAY_PORT: String(port) });
      await expect(launchStack({ config, sink: silentSink })).rejects.toThrow(`GATEWAY_PORT ${port} is in use`);
      expect(existsSync(path.join(root, 'seen'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('stops everything and reports the last lines when a subgraph fails to start', async () => {
    const { root, dataDir, config } = await setup({ subgraphs: { order: { crashCode: 2 } } });
    const error = await failureOf(launchStack({ config, sink: silentSink }));
    expect(error).toBeInstanceOf(ChildStartError);
    expect((error as ChildStartError).child).toBe('order');
    expect((error as ChildStartError).lastLines).toContain('order: something broke');
    const servers = await Promise.all(['kafka', 'mongo', 'redis', 'payment-provider', 'smtp'].map((name) => seen(root, name)));
    expect(await allGone(servers.map((s) => s.pid))).toBe(true);
    expect(existsSync(path.join(dataDir, PID_FILE))).toBe(false);
  });

  it('gives up when a server that was ready dies while the subgraphs start', async () => {
    const { root, config } = await setup({
      kafka: { dieAfterReadyMs: 1500, dieCode: 5 },
      subgraphs: { order: { readyDelayMs: 8000 } },
    });
    const started = Date.now();
    const error = await failureOf(launchStack({ config, sink: silentSink }));
    expect(error.message).toBe('kafka exited with code 5 during startup');
    expect((error as ChildStartError).lastLines).toContain('kafka: dying');
    expect(Date.now() - started).toBeLessThan(7500);
    // order may have been stopped before it even wrote down its pid; whatever did start is gone.
    const names = ['mongo', 'redis', 'payment-provider', 'smtp', 'order'].filter((name) => existsSync(path.join(root, 'seen', `${name}.json`)));
    const pids = await Promise.all(names.map(async (name) => (await seen(root, name)).pid));
    expect(await allGone(pids)).toBe(true);
  });

  it('stops what has started when startup is aborted (Ctrl-C during startup)', async () => {
    const { root, config } = await setup({ redis: { readyDelayMs: 10_000 } }, { KAFKA_BROKERS: 'k:9092', MONGO_URL: 'mongodb://m:27017' });
    const abort = new AbortController();
    const launching = failureOf(launchStack({ config, sink: silentSink, signal: abort.signal }));
    for (let attempt = 0; attempt < 100 && !existsSync(path.join(root, 'seen', 'redis.json')); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    abort.abort();
    await launching;
    const names = ['redis', 'payment-provider', 'smtp'].filter((name) => existsSync(path.join(root, 'seen', `${name}.json`)));
    expect(await allGone(await Promise.all(names.map(async (name) => (await seen(root, name)).pid)))).toBe(true);
  });

  it('starts nothing when startup was aborted before launchStack was called (Ctrl-C during --fresh)', async () => {
    const { root, dataDir, config } = await setup({}, EXTERNAL);
    const error = await failureOf(launchStack({ config, sink: silentSink, signal: AbortSignal.abort() }));
    expect(error.name).toBe('AbortError');
    expect(existsSync(path.join(root, 'seen'))).toBe(false);
    expect(await readPidFile(dataDir)).toBeUndefined();
  });

  it('reports a child that exits on its own after startup', async () => {
    const { config } = await setup({ subgraphs: { order: { dieAfterReadyMs: 300, dieCode: 7 } } }, EXTERNAL);
    const handle = await launchStack({ config, sink: silentSink });
    try {
      const { child, info } = await handle.unexpectedExit;
      expect(child.name).toBe('order');
      expect(info.code).toBe(7);
      expect(child.lastLines()).toContain('order: dying');
    } finally {
      await handle.stop();
    }
    expect(await allGone(handle.children.map((c) => c.pid))).toBe(true);
  });
});
