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
 * Replaces `live` by `rebuilt` with one renameCollection (dropTarget): readers and the live
 * projector see the old collection or the new one, never none (a projector finding no document
 * would take its next event for a gap and park it). The old documents are hashed (the "before"
 * figures) and, with `keepAs`, copied there in the same pass, right before the swap.
 */
export async function swapIn(db: mongo.Db, names: { live: string; rebuilt: string; keepAs?: string }): Promise<Digest> {
  const live = db.collection(names.live);
  let keep: mongo.Collection | undefined;
  if (names.keepAs) {
    await db.createCollection(names.keepAs);
    keep = db.collection(names.keepAs);
  }
  const before = await digestCollection(live, keep);
  await db.renameCollection(names.rebuilt, names.live, { dropTarget: true });
  return before;
}
