import { createServer, type Server, type Socket } from 'node:net';

/**
 * The Redis implementations the rate-limit contract suite runs against (the embedded server the
 * stack uses and a real redis-server) come from @tributary/testing, like the change feed's.
 */
export { freePort, redisImplementations, type RedisImplementation, type TestRedis } from '@tributary/testing/stack';

/** Accepts connections and never answers: a Redis that is up but too slow. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
