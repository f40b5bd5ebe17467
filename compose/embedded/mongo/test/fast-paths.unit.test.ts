import { Binary, Double, Int32, Long, ObjectId, serialize } from 'bson';
import { Query, find, update as fullUpdate } from 'mingo';
import { describe, expect, it } from 'vitest';
import { retype, toPlain, toPlainDoc } from '../src/bson-values.ts';
import type { Doc } from '../src/bson-values.ts';
import { compileQuery, updatePlain, usesExpressions } from '../src/mingo-lean.ts';
import { findRecords, project, simpleProjection } from '../src/query-engine.ts';
import { Collection, makeRecord } from '../src/store/collection.ts';
import { MINGO_OPTIONS } from '../src/store/index-state.ts';
import { applyUpdate } from '../src/update-engine.ts';

/** What `project` returned before the fast path: mingo's projection, then retype. */
function mingoProject(typed: Doc, projection: Doc): Doc {
  const [out] = find([toPlainDoc(typed)], {}, toPlain(projection) as Doc, MINGO_OPTIONS).all();
  return retype(out, typed) as Doc;
}

const bytes = (doc: Doc): string => Buffer.from(serialize(doc, { ignoreUndefined: true })).toString('hex');

describe('simple projections applied without mingo', () => {
  const docs: Doc[] = [
    { _id: new ObjectId(), streamId: 's1', fromVersion: new Int32(1), toVersion: new Int32(3), position: new Double(1.5), events: [{ a: new Int32(1), b: { c: 'x' } }] },
    { _id: 'k', big: Long.fromString('9007199254740993'), nested: { z: new Int32(1), a: [new Double(2), null] }, bin: new Binary(Buffer.from('hi')), at: new Date(5) },
    { _id: new Int32(7), onlyId: true },
    { a: 1, _id: 'late-id', u: undefined },
  ];
  const projections: Doc[] = [
    { toVersion: new Int32(1), position: new Int32(1), _id: new Int32(0) },
    { events: 1, _id: 0 },
    { streamId: true, fromVersion: true, _id: false },
    { _id: new Int32(1) },
    { _id: 0 },
    { big: new Double(1), nested: 1 },
    { nested: 0, bin: new Long(0) },
    { missing: 1 },
    { u: 1, a: 1 },
    { events: 0, _id: 0 },
  ];

  it('returns exactly what mingo + retype returned (same BSON bytes)', () => {
    for (const projection of projections) {
      expect(simpleProjection(projection), JSON.stringify(projection)).toBeDefined();
      for (const typed of docs) {
        const record = makeRecord(typed);
        expect(bytes(project(record, projection)), `${JSON.stringify(projection)} on ${JSON.stringify(typed)}`).toBe(bytes(mingoProject(typed, projection)));
      }
    }
  });

  it('leaves dotted paths, operators, expressions and mixed modes to mingo', () => {
    for (const projection of [{ 'a.b': 1 }, { a: { $slice: 1 } }, { a: '$b' }, { a: 1, b: 0 }, { a: 2 }, { $a: 1 }, { a: 0, _id: 1 }]) {
      expect(simpleProjection(projection), JSON.stringify(projection)).toBeUndefined();
    }
    const record = makeRecord({ _id: 1, a: [1, 2, 3], b: { c: 1, d: 2 } });
    expect(toPlain(project(record, { a: { $slice: 1 } }))).toEqual({ _id: 1, a: [1] });
    expect(toPlain(project(record, { 'b.c': 1, _id: 0 }))).toEqual({ b: { c: 1 } });
    expect(() => project(record, { a: 1, b: 0 })).toThrow();
  });
});

describe('lean mingo contexts', () => {
  const plainDocs: Doc[] = [
    { _id: 1, a: 5, tags: ['x', 'y'], items: [{ n: 1 }, { n: 4 }], s: 'abc', d: new Date(10) },
    { _id: 2, a: null, tags: [], items: [], s: 'ABD' },
    { _id: 3, b: { c: [1, 2] } },
  ];
  const filters: Doc[] = [
    { a: 5 },
    { a: null },
    { a: { $gt: 1, $lte: 5 } },
    { tags: 'y' },
    { items: { $elemMatch: { n: { $gt: 3 } } } },
    { $or: [{ a: 5 }, { 'b.c': 2 }] },
    { s: { $regex: '^ab', $options: 'i' } },
    { a: { $exists: false } },
    { a: { $type: 'number' } },
    { $nor: [{ a: 5 }] },
    { tags: { $size: 0 } },
    { $expr: { $gt: ['$a', 3] } },
    { $and: [{ $expr: { $eq: [{ $add: ['$_id', 1] }, 2] } }] },
  ];

  it('matches like the full mingo Query', () => {
    for (const filter of filters) {
      const full = new Query(filter, MINGO_OPTIONS);
      const lean = compileQuery(filter);
      expect(plainDocs.map((d) => lean.test(d)), JSON.stringify(filter)).toEqual(plainDocs.map((d) => full.test(d)));
    }
  });

  it('rejects what the full Query rejects, with the same message', () => {
    for (const filter of [{ a: { $nope: 1 } }, { $where: 'true' }, { $bogus: [] }]) {
      let expected = '';
      try {
        new Query(filter, MINGO_OPTIONS);
      } catch (err) {
        expected = (err as Error).message;
      }
      expect(expected).not.toBe('');
      expect(() => compileQuery(filter)).toThrow(expected);
    }
  });

  it('finds $expr at any depth', () => {
    expect(usesExpressions({ a: 1, $or: [{ b: 2 }] })).toBe(false);
    expect(usesExpressions({ $or: [{ $expr: { $eq: [1, 1] } }] })).toBe(true);
    expect(usesExpressions([{ x: { $elemMatch: { $expr: true } } }])).toBe(true);
  });

  it('updates like the full mingo update', () => {
    const cases: Array<[Doc, Doc[] | undefined, Doc | undefined]> = [
      [{ $set: { a: 6, 'b.c.0': 9 } }, undefined, undefined],
      [{ $inc: { a: 1 }, $push: { tags: { $each: ['z', 'a'], $sort: 1 } } }, undefined, undefined],
      [{ $pull: { items: { n: { $gte: 4 } } } }, undefined, undefined],
      [{ $set: { 'items.$[el].n': 0 } }, [{ 'el.n': { $gt: 2 } }], undefined],
      [{ $set: { 'items.$.n': 7 } }, undefined, { 'items.n': 4 }],
      [{ $unset: { s: '' }, $addToSet: { tags: 'x' }, $currentDate: { d: true } }, undefined, undefined],
      [{ $pull: { items: { $expr: { $gt: ['$n', 1] } } } }, undefined, undefined],
    ];
    for (const [modifier, arrayFilters, condition] of cases) {
      for (const doc of plainDocs) {
        const viaLean = structuredClone(doc);
        const viaFull = structuredClone(doc);
        let leanError = '';
        let fullError = '';
        try {
          updatePlain(viaLean, modifier, arrayFilters, condition);
        } catch (err) {
          leanError = (err as Error).message;
        }
        try {
          fullUpdate(viaFull, modifier, arrayFilters, condition, { cloneMode: 'deep', queryOptions: MINGO_OPTIONS });
        } catch (err) {
          fullError = (err as Error).message;
        }
        if (viaFull.d instanceof Date && viaLean.d instanceof Date && modifier.$currentDate) viaLean.d = viaFull.d;
        expect({ viaLean, leanError }, JSON.stringify({ modifier, doc })).toEqual({ viaLean: viaFull, leanError: fullError });
      }
    }
  });

  it('keeps update semantics end to end (types, positional $)', () => {
    const typed = { _id: new Int32(1), n: new Int32(1), items: [{ k: 'a', v: new Double(1) }, { k: 'b', v: new Double(2) }] };
    const { typed: next, modified } = applyUpdate(typed, { $inc: { n: new Int32(1) }, $set: { 'items.$.v': new Double(5) } }, undefined, false, { 'items.k': 'b' });
    expect(modified).toBe(true);
    expect(next.n).toEqual(new Int32(2));
    expect((next.items as Doc[])[1]!.v).toEqual(new Double(5));
    expect((next.items as Doc[])[0]!.v).toBe(typed.items[0]!.v);
  });
});

describe('index lookups for $in', () => {
  function commits(): Collection {
    const c = new Collection('db', 'commits', {});
    c.addIndex({ v: 2, key: { streamId: 1, fromVersion: 1 }, name: 'streamId_1_fromVersion_1', unique: true });
    c.addIndex({ v: 2, key: { tag: 1 }, name: 'tag_1', sparse: true });
    for (let i = 0; i < 20; i++) c.put(makeRecord({ _id: `c${i}`, streamId: `s${i % 4}`, fromVersion: i, ...(i % 2 ? { tag: `t${i % 3}` } : {}) }));
    return c;
  }
  const ids = (records: Iterable<{ id: string }>): string[] => [...records].map((r) => r.id);
  const scanIds = (c: Collection, filter: Doc): string[] => {
    const q = new Query(filter, MINGO_OPTIONS);
    return ids([...c.all()].filter((r) => q.test(r.plain)));
  };

  it('looks up each value of an _id or prefix $in and keeps collection order', () => {
    const c = commits();
    const byId = ids(c.candidates({ _id: { $in: ['c7', 'c2', 'nope', 'c7'] } }));
    expect(byId).toEqual([makeRecord({ _id: 'c2' }).id, makeRecord({ _id: 'c7' }).id]);
    expect(ids(c.candidates({ streamId: { $in: ['s3', 's1'] } }))).toHaveLength(10);
    expect(ids(c.candidates({ _id: { $in: [] } }))).toEqual([]);
    for (const filter of [
      { _id: { $in: ['c7', 'c2', 'nope'] } },
      { streamId: { $in: ['s3', 's1'] }, fromVersion: { $gt: 4 } },
      { streamId: { $in: ['s0', null] } },
    ]) {
      expect(findRecords(c, { filter }).map((r) => r.id), JSON.stringify(filter)).toEqual(scanIds(c, filter));
    }
  });

  it('keeps the original place of a replaced document and forgets deleted ones', () => {
    const c = commits();
    c.put(makeRecord({ _id: 'c1', streamId: 's1', fromVersion: 1, updated: true }));
    c.delete(makeRecord({ _id: 'c5' }).id);
    c.put(makeRecord({ _id: 'c5', streamId: 's1', fromVersion: 5 }));
    const filter = { _id: { $in: ['c5', 'c9', 'c1'] } };
    expect(findRecords(c, { filter }).map((r) => r.plain._id)).toEqual(['c1', 'c9', 'c5']);
    expect(findRecords(c, { filter }).map((r) => r.id)).toEqual(scanIds(c, filter));
  });

  it('scans when a value cannot be looked up (regex, arrays, null on a sparse index)', () => {
    const c = commits();
    expect([...c.candidates({ _id: { $in: ['c1', /c2/] } })]).toHaveLength(20);
    expect([...c.candidates({ streamId: { $in: [['s1']] } })]).toHaveLength(20);
    expect([...c.candidates({ tag: { $in: ['t1', null] } })]).toHaveLength(20);
    expect(ids(c.candidates({ tag: { $in: ['t1', 't2'] } }))).toEqual(scanIds(c, { tag: { $in: ['t1', 't2'] } }));
    expect(findRecords(c, { filter: { tag: { $in: ['t1', null] } } }).map((r) => r.id)).toEqual(scanIds(c, { tag: { $in: ['t1', null] } }));
  });
});
