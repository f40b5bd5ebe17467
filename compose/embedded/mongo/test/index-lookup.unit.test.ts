import { describe, expect, it } from 'vitest';
import { Collection, makeRecord } from '../src/store/collection.ts';

/**
 * Which documents a query even looks at. The event store reads a stream with `{ streamId }` and
 * the outbox relay scans `{ published: false }`, both covered only by compound indexes; a full
 * scan there makes every append cost O(all commits).
 */
function collectionWith(docs: Record<string, unknown>[]): Collection {
  const collection = new Collection('db', 'commits', {});
  collection.addIndex({ v: 2, key: { streamId: 1, fromVersion: 1 }, name: 'streamId_1_fromVersion_1', unique: true });
  collection.addIndex({ v: 2, key: { published: 1, position: 1 }, name: 'published_1_position_1' });
  for (const doc of docs) collection.put(makeRecord(doc));
  return collection;
}

const ids = (records: Iterable<{ plain: Record<string, unknown> }>) => [...records].map((record) => record.plain._id).sort();

describe('candidate documents of a query', () => {
  const docs = Array.from({ length: 30 }, (_, i) => ({ _id: `c${i}`, streamId: `s${i % 3}`, fromVersion: i, published: i % 5 !== 0, position: i }));

  it('uses the prefix of a compound index for an equality on its first field', () => {
    const collection = collectionWith(docs);
    expect(ids(collection.candidates({ streamId: 's1' }))).toEqual(docs.filter((d) => d.streamId === 's1').map((d) => d._id).sort());
    expect(ids(collection.candidates({ published: false }))).toEqual(['c0', 'c10', 'c15', 'c20', 'c25', 'c5']);
  });

  it('follows updates and deletes', () => {
    const collection = collectionWith(docs);
    collection.put(makeRecord({ ...docs[0]!, published: true }));
    collection.delete(makeRecord({ _id: 'c5' }).id);
    expect(ids(collection.candidates({ published: false }))).toEqual(['c10', 'c15', 'c20', 'c25']);
    collection.put(makeRecord({ _id: 'c99', streamId: 's1', fromVersion: 99, published: false, position: 99 }));
    expect(ids(collection.candidates({ published: false }))).toContain('c99');
    expect(ids(collection.candidates({ streamId: 's1' }))).toContain('c99');
  });

  it('finds array values of the first field (multikey)', () => {
    const collection = collectionWith([{ _id: 'm', streamId: ['a', 'b'], fromVersion: 1 }]);
    expect(ids(collection.candidates({ streamId: 'b' }))).toEqual(['m']);
  });

  it('scans when no index starts with the field', () => {
    const collection = collectionWith(docs);
    expect([...collection.candidates({ position: 3 })]).toHaveLength(docs.length);
  });
});
