import { describe, expect, it } from 'vitest';
import { DomainError } from '@tributary/contracts';
import { checkPageSize, decodeCursor, encodeCursor, PAGE_SIZE } from '../pagination.ts';

/** Asserts that `run` throws the client-facing BAD_USER_INPUT error for `field`. */
function expectBadUserInput(run: () => unknown, field: string): DomainError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DomainError);
  const error = thrown as DomainError;
  expect(error.code).toBe('BAD_USER_INPUT');
  expect(error.details).toEqual({ field });
  return error;
}

const encode = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

describe('cursors', () => {
  it('round-trips a date as a Date, to the millisecond', () => {
    const at = new Date('2026-03-01T10:00:00.123Z');
    const decoded = decodeCursor(encodeCursor(at, 'o-1'));
    expect(decoded.value).toBeInstanceOf(Date);
    expect((decoded.value as Date).getTime()).toBe(at.getTime());
    expect(decoded.id).toBe('o-1');
  });

  it('round-trips numbers (zero, negative, fractional) as numbers', () => {
    for (const value of [0, -3, 2999, 12.5]) expect(decodeCursor(encodeCursor(value, 'sku-1'))).toEqual({ value, id: 'sku-1' });
  });

  it('round-trips strings as strings, even ones that look like numbers or dates', () => {
    for (const value of ['', 'Kettle', '42', '2026-03-01T10:00:00.000Z', 'Kaffeemühle ☕ "quoted"']) {
      expect(decodeCursor(encodeCursor(value, 'id/with+odd=chars'))).toEqual({ value, id: 'id/with+odd=chars' });
    }
  });

  it('is opaque and URL safe', () => {
    const cursor = encodeCursor(new Date('2026-03-01T10:00:00.000Z'), 'o-1');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('o-1');
  });

  it('refuses garbage with BAD_USER_INPUT naming the after argument', () => {
    const error = expectBadUserInput(() => decodeCursor('not a cursor!'), 'after');
    expect(error.message).toBe('after: not a cursor returned by this API');
    for (const garbage of ['', 'e30', encode(['x', 1, 'o-1']), encode({ tag: 'n' }), encode('plain string'), encode(null)]) {
      expectBadUserInput(() => decodeCursor(garbage), 'after');
    }
  });

  it('refuses a cursor whose value does not match its tag, or that lacks an id', () => {
    for (const tampered of [
      encode(['d', 'yesterday', 'o-1']),
      encode(['d', 1_700_000_000_000, 'o-1']),
      encode(['n', '12', 'o-1']),
      encode(['s', 12, 'o-1']),
      encode(['s', 'Kettle']),
      encode(['s', 'Kettle', 7]),
    ]) {
      expectBadUserInput(() => decodeCursor(tampered), 'after');
    }
  });
});

describe('checkPageSize', () => {
  it('defaults to PAGE_SIZE.default when first is absent', () => {
    expect(checkPageSize(undefined)).toBe(PAGE_SIZE.default);
    expect(checkPageSize(null)).toBe(PAGE_SIZE.default);
  });

  it('accepts every size within the bounds', () => {
    expect(checkPageSize(PAGE_SIZE.min)).toBe(1);
    expect(checkPageSize(37)).toBe(37);
    expect(checkPageSize(PAGE_SIZE.max)).toBe(100);
  });

  it('refuses sizes outside the bounds and non-integers with BAD_USER_INPUT naming first', () => {
    for (const first of [0, -1, PAGE_SIZE.max + 1, 1e9, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = expectBadUserInput(() => checkPageSize(first), 'first');
      expect(error.message).toBe('first must be between 1 and 100');
    }
  });
});
