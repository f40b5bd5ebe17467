import type { Model } from 'mongoose';
import { DomainError } from '@tributary/contracts';

/** Page sizes of every connection. */
export const PAGE_SIZE = { min: 1, max: 100, default: 20 } as const;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

type SortValue = string | number | Date;

/** Cursors are opaque to clients: base64url of the sort key, tagged so a date comes back a date. */
export function encodeCursor(value: SortValue, id: string): string {
  const tagged = value instanceof Date ? ['d', value.toISOString()] : [typeof value === 'number' ? 'n' : 's', value];
  return Buffer.from(JSON.stringify([...tagged, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { value: SortValue; id: string } {
  try {
    const [tag, raw, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof id !== 'string') throw new Error();
    if (tag === 'd' && typeof raw === 'string' && !Number.isNaN(new Date(raw).getTime())) return { value: new Date(raw), id };
    if (tag === 'n' && typeof raw === 'number') return { value: raw, id };
    if (tag === 's' && typeof raw === 'string') return { value: raw, id };
    throw new Error();
  } catch {
    throw new DomainError('BAD_USER_INPUT', 'after: not a cursor returned by this API', { field: 'after' });
  }
}

export function checkPageSize(first: number | null | undefined): number {
  const size = first ?? PAGE_SIZE.default;
  if (!Number.isInteger(size) || size < PAGE_SIZE.min || size > PAGE_SIZE.max) {
    throw new DomainError('BAD_USER_INPUT', `first must be between ${PAGE_SIZE.min} and ${PAGE_SIZE.max}`, { field: 'first' });
  }
  return size;
}

/**
 * Keyset pagination over (sortField, _id), both in `direction`: stable under concurrent inserts,
 * and one extra row tells whether another page follows without a count. Give the collection an
 * index on the filter fields + (sortField, _id).
 */
export async function findPage<T extends { _id: string }>(
  model: Model<T>,
  filter: Record<string, unknown>,
  args: PageArgs,
  sort: { field: keyof T & string; direction: 1 | -1 },
): Promise<Page<T>> {
  const first = checkPageSize(args.first);
  let query: Record<string, unknown> = filter;
  if (args.after) {
    const { value, id } = decodeCursor(args.after);
    const beyond = sort.direction === -1 ? '$lt' : '$gt';
    const after = { $or: [{ [sort.field]: { [beyond]: value } }, { [sort.field]: value, _id: { [beyond]: id } }] };
    query = Object.keys(filter).length === 0 ? after : { $and: [filter, after] };
  }
  const rows = (await model
    .find(query)
    .sort({ [sort.field]: sort.direction, _id: sort.direction })
    .limit(first + 1)
    .lean()
    .exec()) as unknown as T[];
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node[sort.field] as SortValue, node._id), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}
