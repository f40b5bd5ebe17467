import type { Connection } from 'mongoose';

/** MongoDB's NamespaceExists: the collection is already there. */
const NAMESPACE_EXISTS = 48;

/**
 * Creates a collection unless it exists. Every replica runs this at start, so "already there"
 * (another replica, or a previous start, created it first) is the state wanted, not an error.
 */
export async function ensureCollection(connection: Connection, name: string): Promise<void> {
  await connection.createCollection(name).catch((error: unknown) => {
    if ((error as { code?: number }).code !== NAMESPACE_EXISTS) throw error;
  });
}
