import { createHash } from 'node:crypto';
import type { mongo } from 'mongoose';
import { canonicalJson } from './canonical-json.ts';

/** A collection's content in two figures: how many documents, and sha256 over them. */
export interface Digest {
  count: number;
  sha256: string;
}

const COPY_BATCH = 1_000;

/**
 * sha256 over the canonical JSON of every document, one per line, in _id order, read in one
 * pass. With `copyTo`, the same documents are also written there (the kept old collection), so
 * the copy is exactly what was hashed. A missing collection is empty.
 */
export async function digestCollection(collection: mongo.Collection, copyTo?: mongo.Collection): Promise<Digest> {
  const hash = createHash('sha256');
  let count = 0;
  let batch: mongo.Document[] = [];
  for await (const document of collection.find({}).sort({ _id: 1 })) {
    hash.update(`${canonicalJson(document)}\n`);
    count += 1;
    if (copyTo) {
      batch.push(document);
      if (batch.length >= COPY_BATCH) {
        await copyTo.insertMany(batch);
        batch = [];
      }
    }
  }
  if (copyTo && batch.length > 0) await copyTo.insertMany(batch);
  return { count, sha256: hash.digest('hex') };
}
