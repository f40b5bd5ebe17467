/**
 * Run by preload.int.test.ts in a child process, the way the launcher runs a service:
 * `tsx --import events/telemetry/tracing/register.mjs preload-fixture.ts <trace dir>`. Starts
 * tracing to the local files, then inside one span uses each instrumented library once (an HTTP
 * request to a node:http server, fetch() through undici, a graphql execution, a mongoose query,
 * an ioredis command), and stops, which exports everything.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { startInfrastructure } from '@tributary/testing/stack';
import { createLogger } from '@tributary/telemetry';
import { startTracing } from '@tributary/telemetry/tracing/start';
import { buildSchema, graphql } from 'graphql';
import { Redis } from 'ioredis';

const dir = process.argv[2];
if (!dir) throw new Error('usage: preload-fixture.ts <trace dir>');
const tracing = startTracing({ service: 'fixture', config: { enabled: true, dir, fileMaxBytes: 1024 * 1024 } });
const logger = createLogger('fixture', 'info');
const infra = await startInfrastructure({ redis: true });
const server = createServer((_request, response) => response.end('hello'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hello`;
const connection = await infra.connect('tracing_fixture');
const redis = new Redis(infra.redisUrl!);
const schema = buildSchema('type Query { hello: String }');

await trace.getTracer('fixture').startActiveSpan('fixture', async (span) => {
  await new Promise<void>((resolve, reject) => {
    // node:http as a client, as the gateway's subgraph fetches are (make-fetch-happen).
    import('node:http').then(({ get }) => get(url, (response) => response.resume().on('end', resolve)).on('error', reject), reject);
  });
  await (await fetch(url)).text();
  await graphql({ schema, source: '{ hello }', rootValue: { hello: () => 'world' } });
  await connection.collection('things').findOne({ _id: 'nothing' as never });
  await redis.set('fixture', '1');
  logger.info('inside the fixture span');
  span.end();
});

redis.disconnect();
await new Promise<void>((resolve) => server.close(() => resolve()));
await infra.stop();
await tracing.shutdown();
