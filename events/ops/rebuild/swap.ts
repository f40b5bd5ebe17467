import type { mongo } from 'mongoose';
import { digestCollection, type Digest } from './digest.ts';
import type { ReadModelDefinition } from './registry.ts';

/**
 * The indexes the service creates at start (its schema's, autoIndex being off), created on the
 * rebuilt collection before it is swapped in, so queries never meet an unindexed read model.
 */
export async function createSchemaIndexes(model: ReadModelDefinition, collection: mongo.Collection): Promise<void> {
  for (const [fields, options] of model.schema.indexes()) {
    await collection.createIndex(fields as mongo.IndexSpecification, options as mongo.CreateIndexesOptions);
  }
}

export async function collectionExists(db: mongo.Db, name: string): Promise<boolean> {
  return (await db.listCollections({ name }, { nameOnly: true }).toArray()).length > 0;
}

/**
 * The old collection's figures (the "before" of the report) and, with `keepAs`, a copy of it made
 * in the same pass. Taken just before the swap's last catch-ups rather than in the swap itself:
 * copying is the slow part, and the swap must follow the last read of the source closely.
 */
export async function snapshotOld(db: mongo.Db, live: string, keepAs?: string): Promise<Digest> {
  let keep: mongo.Collection | undefined;
  if (keepAs) {
    await db.createCollection(keepAs);
    keep = db.collection(keepAs);
  }
  return digestCollection(db.collection(live), keep);
}

/**
 * Replaces `live` by `rebuilt` with one renameCollection (dropTarget): readers and the live
 * projector see the old collection or the new one, never none (a projector finding no document
 * at all would take every next event for a gap).
 */
export async function renameOver(db: mongo.Db, rebuilt: string, live: string): Promise<void> {
  await db.renameCollection(rebuilt, live, { dropTarget: true });
}
