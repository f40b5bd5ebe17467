import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/live/browser/backoff.ts';
import { BOARD_LIMIT, BoardState, formatAmount, type BoardOrder } from '../src/live/browser/board-state.ts';

const order = (id: string, createdAt: string, status = 'PENDING'): BoardOrder => ({
  id,
  customerId: 'alice',
  status,
  cancellationReason: null,
  createdAt,
  items: [{ quantity: 1, product: { name: 'Widget' } }],
  payment: null,
});

describe('the live board state', () => {
  it('keeps one entry per order, replaced by its latest event, newest order first', () => {
    const board = new BoardState();
    expect(board.upsert(order('a', '2026-01-01T10:00:00.000Z'))).toEqual({ previousStatus: undefined });
    board.upsert(order('b', '2026-01-01T11:00:00.000Z'));
    expect(board.upsert(order('a', '2026-01-01T10:00:00.000Z', 'CONFIRMED'))).toEqual({ previousStatus: 'PENDING' });
    expect(board.list().map((o) => [o.id, o.status])).toEqual([
      ['b', 'PENDING'],
      ['a', 'CONFIRMED'],
    ]);
    expect(board.countsByStatus()).toEqual({ PENDING: 1, CONFIRMED: 1 });
  });

  it('orders ties by id and forgets the oldest past its limit', () => {
    const board = new BoardState();
    board.upsert(order('y', '2026-01-01T10:00:00.000Z'));
    board.upsert(order('x', '2026-01-01T10:00:00.000Z'));
    expect(board.list().map((o) => o.id)).toEqual(['x', 'y']);
    for (let i = 0; i < BOARD_LIMIT; i++) board.upsert(order(`n${i}`, `2026-02-01T10:00:00.${String(i).padStart(3, '0')}Z`));
    const ids = board.list().map((o) => o.id);
    expect(ids).toHaveLength(BOARD_LIMIT);
    expect(ids).not.toContain('x');
    expect(ids[0]).toBe(`n${BOARD_LIMIT - 1}`);
  });

  it('formats amounts from minor units, a dash until known', () => {
    expect(formatAmount(1250, 'EUR')).toBe('12.50 EUR');
    expect(formatAmount(null, null)).toBe('–');
  });
});

describe('reconnect backoff', () => {
  it('doubles from half a second up to a cap, with ±50 % jitter', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3].map((retries) => backoffDelay(retries, middle))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(50, middle)).toBe(15_000);
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 0.999)).toBeLessThanOrEqual(750);
  });
});
