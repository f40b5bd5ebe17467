import { graphQLError } from './errors.ts';

/** Page sizes of `orders`. */
export const PAGE_SIZE = { min: 1, max: 100 } as const;

/** Position of an order in the newest-first listing: (createdAt, id). */
export interface OrderCursor {
  createdAt: Date;
  id: string;
}

/** Cursors are opaque to clients: base64url of the sort key, so the listing can change shape later. */
export function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): OrderCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(String(createdAt));
    if (typeof id !== 'string' || typeof createdAt !== 'string' || Number.isNaN(date.getTime())) throw new Error();
    return { createdAt: date, id };
  } catch {
    throw graphQLError('after: not a cursor returned by this API', 'BAD_USER_INPUT', { field: 'after' });
  }
}

export function checkPageSize(first: number): number {
  if (!Number.isInteger(first) || first < PAGE_SIZE.min || first > PAGE_SIZE.max) {
    throw graphQLError(`first must be between ${PAGE_SIZE.min} and ${PAGE_SIZE.max}`, 'BAD_USER_INPUT', { field: 'first' });
  }
  return first;
}

/** The filter that selects what comes after `cursor` in (createdAt desc, _id desc) order. */
export function afterCursorFilter(cursor: OrderCursor): Record<string, unknown> {
  return {
    $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $lt: cursor.id } }],
  };
}
