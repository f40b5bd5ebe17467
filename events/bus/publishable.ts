import type { Model, Types } from 'mongoose';
import type { StoredCommit } from './commit-model.ts';

export type PendingCommit = Pick<StoredCommit, 'streamId' | 'aggregateType' | 'fromVersion' | 'events' | 'committedAt'> & {
  _id: Types.ObjectId;
};

/**
 * Drops from a batch every commit that an older, still unpublished commit of the same stream
 * would overtake. Positions grow strictly within a stream, so a scan by position normally sees
 * older commits first; but a scan is not a snapshot on every server, and commit n could land
 * behind the cursor while n+1 lands ahead of it. One indexed query per batch closes that gap;
 * the dropped commits come back in a later batch, after their predecessor. The batch itself is
 * sorted by position, hence by version within each stream.
 */
export async function selectPublishable(model: Model<StoredCommit>, batch: PendingCommit[]): Promise<PendingCommit[]> {
  const streamIds = [...new Set(batch.map((commit) => commit.streamId))];
  const outside = await model
    .find(
      { streamId: { $in: streamIds }, published: false, _id: { $nin: batch.map((commit) => commit._id) } },
      { streamId: 1, fromVersion: 1, _id: 0 },
    )
    .lean<Pick<StoredCommit, 'streamId' | 'fromVersion'>[]>()
    .exec();
  return withoutOvertakers(batch, outside);
}

/** Pure part of selectPublishable: `outside` are unpublished commits not in the batch. */
export function withoutOvertakers<C extends Pick<StoredCommit, 'streamId' | 'fromVersion'>>(
  batch: readonly C[],
  outside: readonly Pick<StoredCommit, 'streamId' | 'fromVersion'>[],
): C[] {
  const firstOutside = new Map<string, number>();
  for (const { streamId, fromVersion } of outside) {
    firstOutside.set(streamId, Math.min(firstOutside.get(streamId) ?? Infinity, fromVersion));
  }
  return batch.filter((commit) => commit.fromVersion < (firstOutside.get(commit.streamId) ?? Infinity));
}
