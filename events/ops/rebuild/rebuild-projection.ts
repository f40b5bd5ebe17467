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
import { collectionExists, createSchemaIndexes, renameOver, snapshotOld } from './swap.ts';

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
/** Quick catch-ups before the swap, at most: under steady traffic each pass finds a few new events. */
const QUICK_PASSES = 5;

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
 *    applyToReadModel (the live projector's own version-guarded write); one exact pass, then
 *    quick ones until a pass finds nothing new.
 * 3. Swap: the old collection is hashed (and copied, the kept one) after the exact pass and
 *    before the quick ones; then the fresh one is renamed over it in one step (swap.ts).
 * 4. Catch up again, now on the live collection, quick then exact: events that arrived since
 *    step 2's last pass, including any the live projector wrote to the old collection just
 *    before it was replaced. The projector and this pass write with the same guard (replace
 *    where `version` is still the one read), so no event is applied twice, whoever comes first.
 *
 * The window that remains is between step 2's last read and the end of step 4's quick pass
 * (milliseconds: two small queries, a rename): an event the live
 * projector applied to the old collection in it is missing from the new one until step 4 applies
 * it. Meanwhile (a) the projector, handling the stream's next event, finds the document behind,
 * takes it for a gap and parks that event on the DLQ (ProjectionGapError; the rebuild applies it
 * from the source anyway, so a later `npm run dlq -- replay` finds it done), and (b) a projector
 * write that read the old document and replaces the new one at the same version lands, so a
 * document corrupted in the old collection can stay so in that one case. Events this tool applies are not announced on the
 * change feed, and the projector then sees them as redeliveries: a live subscriber may miss such
 * an intermediate change (it gets the next one), and orders_total does not count an order whose
 * final event was applied here. A rebuild on a quiet service (or a second one) has no window.
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

    const catchUp = async (collection: mongo.Collection, quick: boolean) => {
      let applied = 0;
      events += await source.readNew(
        async (envelope: AnyEventEnvelope) => {
          const outcome = await applyToReadModel(collection as unknown as mongo.Collection<StreamView>, projection, envelope);
          if (outcome.outcome === 'applied') applied += 1;
        },
        { quick },
      );
      return applied;
    };
    // One exact pass for what arrived during the (long) build; then the old collection's
    // figures (and copy); then quick passes until nothing new comes, so the swap follows a read
    // of the source by milliseconds.
    let beforeSwap = await catchUp(fresh, false);
    const before = await snapshotOld(db, liveName, keepAs);
    for (let pass = 0; pass < QUICK_PASSES; pass += 1) {
      const applied = await catchUp(fresh, true);
      beforeSwap += applied;
      if (applied === 0) break;
    }

    let afterSwap = 0;
    let after: Digest;
    if (options.dryRun) {
      after = await digestCollection(fresh);
      await fresh.drop();
    } else {
      await renameOver(db, freshName, liveName);
      // Quick first (it closes the window), exact after (it guarantees nothing was missed).
      afterSwap = await catchUp(db.collection(liveName), true);
      afterSwap += await catchUp(db.collection(liveName), false);
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
    // Never leave a half-built collection (or a copy of an old one never replaced) behind; the live
    // one is untouched until the swap.
    if (await collectionExists(db, freshName)) await fresh.drop().catch(() => undefined);
    if (keepAs && (await collectionExists(db, keepAs))) await db.dropCollection(keepAs).catch(() => undefined);
    throw error;
  }
}
