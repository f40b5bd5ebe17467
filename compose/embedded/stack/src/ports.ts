import net from 'node:net';

/** Listens on host:port and closes again; resolves to the port actually bound (useful for port 0). */
function probe(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * The preferred port when it is free on `host`, otherwise one the OS hands out. 0 means "any".
 * There is a short race between this probe and the child binding the port; the child then fails
 * to start and the launcher reports it, which is good enough for a developer tool.
 */
export async function pickPort(preferred: number, host = '127.0.0.1'): Promise<number> {
  if (preferred !== 0) {
    try {
      return await probe(preferred, host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  return probe(0, host);
}

/** True when nothing listens on host:port (the gateway port is never moved, only checked). */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  try {
    await probe(port, host);
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks several ports at once without handing the same free port out twice: probing port 0
 * repeatedly can return a port that an earlier probe released a moment ago.
 */
export async function pickPorts(preferred: number[], host = '127.0.0.1'): Promise<number[]> {
  const taken = new Set<number>();
  const result: number[] = [];
  for (const wanted of preferred) {
    let chosen = await pickPort(wanted, host);
    for (let attempt = 0; taken.has(chosen) && attempt < 20; attempt += 1) chosen = await pickPort(0, host);
    if (taken.has(chosen)) throw new Error(`could not find ${preferred.length} distinct free ports`);
    taken.add(chosen);
    result.push(chosen);
  }
  return result;
}
