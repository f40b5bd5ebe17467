// The module itself, not the kit's index: that one loads Apollo Server and friends (seconds of
// start-up) which a CLI that only folds events never uses.
import { applyToReadModel, type StreamView } from '../../service/projection.ts';
import type { AnyEventEnvelope } from '@tributary/contracts';
import type { Connection, mongo } from 'mongoose';
import { silentProgress, type Progress } from '../progress.ts';
import { digestCollection, type Digest } from './digest.ts';
import type { EventSource } from './event-sources.ts';
import { foldEvent } from './fold.ts';
import type { RebuildTarget } from './registry.ts';
import { collectionExists, createSchemaIndexes, swapIn } from './swap.ts';

export interface RebuildOptions {
  /** Build and compare, then drop what was built: the live collection is left alone. */
  dryRun?: boolean;
  /** Drop the old collection instead of keeping it as `<name>.before-rebuild-<stamp>`. */
  dropOld?: boolean;
  now?: () => Date;
  progress?: Progress;
}

export interface RebuildResult {
  projection: string;
  collection: string;
  source: string;
  /** Events read: the full pass plus both catch-ups. */
  events: number;
  /** Applied by the catch-ups: before the swap (to the new collection), after it (to the live one). */
  caughtUp: { beforeSwap: number; afterSwap: number };
  /** Source messages that are not events (the live consumers parked them): left out. */
  unreadable: number;
  before: Digest;
  after: Digest;
  equal: boolean;
  dryRun: boolean;
  /** Where the old documents were kept, or null (dropped, or a dry run). */
  keptAs: string | null;
}

const INSERT_BATCH = 1_000;

/** 2026-11-26T03:35:00.123Z → 20261126T033500123Z: sortable, and a valid collection name part. */
export function collectionStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

async function insertViews(collection: mongo.Collection, views: Iterable<StreamView>): Promise<void> {
  let batch: StreamView[] = [];
  for (const view of views) {
    batch.push(view);
    if (batch.length >= INSERT_BATCH) {
      await collection.insertMany(batch as unknown as mongo.OptionalId<mongo.Document>[]);
      batch = [];
    }
  }
  if (batch.length > 0) await collection.insertMany(batch as unknown as mongo.OptionalId<mongo.Document>[]);
}

/**
 * Rebuilds one read model from its source while the service keeps running:
 *
 * 1. Fold every event in memory with the projection's own pure `evolve` (fold.ts) and write the
 *    documents to a fresh collection `<name>.rebuild-<stamp>`, with the schema's indexes.
 * 2. Catch up: the events that reached the source meanwhile, applied to the fresh collection with
 *    applyToReadModel (the live projector's own version-guarded write).
 * 3. Swap: hash (and keep a copy of) the old collection, then rename the fresh one over it in
 *    one step (swap.ts).
 * 4. Catch up again, now on the live collection: events that arrived between 2 and 3, including
 *    any the live projector wrote to the old collection just before it was replaced. The live
 *    projector and this pass write with the same guard (replace where `version` is still the one
 *    read), so no event is applied twice, whoever comes first.
 *
 * What remains: a live projector write that straddles the swap (document read from the old
 * collection, replaced in the new one, a few milliseconds) lands if the new document has the
 * same version, so a document that was wrong in the old collection may stay wrong in that one
 * case (a correct one stays correct). Events this tool applies first are not announced on the
 * change feed by it, and the projector then sees them as redeliveries: a live subscriber may miss
 * such an intermediate change (it gets the next one), and the order service's orders_total does
 * not count an order whose final event was applied here. Rerun the rebuild to close the first.
 */
export async function rebuildProjection(connection: Connection, target: RebuildTarget, source: EventSource, options: RebuildOptions = {}): Promise<RebuildResult> {
  const db = connection.db!;
  const progress = options.progress ?? silentProgress;
  const now = options.now ?? (() => new Date());
  const stamp = collectionStamp(now());
  const liveName = target.model.collection.collectionName;
  const freshName = `${liveName}.rebuild-${stamp}`;
  const keepAs = options.dryRun || options.dropOld ? undefined : `${liveName}.before-rebuild-${stamp}`;
  const projection = target.projection;

  progress.setTotal(await source.count());
  const views = new Map<string, StreamView>();
  let events = await source.readAll((envelope) => {
    foldEvent(views, projection, envelope);
    progress.advance();
  });

  await db.createCollection(freshName);
  const fresh = db.collection(freshName);
  try {
    await insertViews(fresh, views.values());
    views.clear();
    await createSchemaIndexes(target.model, fresh);

    const catchUp = (collection: mongo.Collection) => {
      let applied = 0;
      return source
        .readNew(async (envelope: AnyEventEnvelope) => {
          const outcome = await applyToReadModel(collection as unknown as mongo.Collection<StreamView>, projection, envelope);
          if (outcome.outcome === 'applied') applied += 1;
        })
        .then((read) => {
          events += read;
          return applied;
        });
    };
    const beforeSwap = await catchUp(fresh);

    let before: Digest;
    let afterSwap = 0;
    let after: Digest;
    if (options.dryRun) {
      before = await digestCollection(db.collection(liveName));
      after = await digestCollection(fresh);
      await fresh.drop();
    } else {
      before = await swapIn(db, { live: liveName, rebuilt: freshName, ...(keepAs ? { keepAs } : {}) });
      afterSwap = await catchUp(db.collection(liveName));
      after = await digestCollection(db.collection(liveName));
    }
    progress.finish();
    return {
      projection: projection.name,
      collection: liveName,
      source: source.description,
      events,
      caughtUp: { beforeSwap, afterSwap },
      unreadable: source.unreadable(),
      before,
      after,
      equal: before.count === after.count && before.sha256 === after.sha256,
      dryRun: options.dryRun === true,
      keptAs: keepAs ?? null,
    };
  } catch (error) {
    // Never leave a half-built collection behind; the live one is untouched until the swap.
    if (await collectionExists(db, freshName)) await fresh.drop().catch(() => undefined);
    throw error;
  }
}
