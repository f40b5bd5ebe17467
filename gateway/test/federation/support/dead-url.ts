import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A subgraph URL with nothing listening behind it: a port the OS just handed out on 127.0.0.1,
 * closed again. Connecting to it is refused at once, which is "the whole subgraph is down"
 * without waiting for a timeout.
 */
export async function deadSubgraphUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}
