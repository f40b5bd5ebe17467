import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a real server, for "the server hangs" cases: while frozen
 * it holds what clients send (connections stay open, nothing is answered), as a stalled Redis
 * would; thaw() delivers what it held.
 */
export interface FreezableProxy {
  url: string;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startFreezableProxy(targetPort: number, scheme = 'redis'): Promise<FreezableProxy> {
  let frozen = false;
  const pipes: { upstream: Socket; held: Buffer[] }[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pipe = { upstream, held: [] as Buffer[] };
    pipes.push(pipe);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (data: Buffer) => (frozen ? pipe.held.push(data) : upstream.write(data)));
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    freeze: () => void (frozen = true),
    thaw() {
      frozen = false;
      for (const pipe of pipes) for (const data of pipe.held.splice(0)) pipe.upstream.write(data);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
