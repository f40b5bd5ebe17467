import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError, ERROR_CODES, validateInput, ValidationError } from './domain-error.ts';

const placeOrderInput = z.object({
  customerId: z.string().min(1),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
});

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

describe('DomainError', () => {
  it('carries a client-facing code, message and details, and is an Error', () => {
    const error = new DomainError('NOT_FOUND', 'order o-1 not found', { orderId: 'o-1' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'DomainError', code: 'NOT_FOUND', message: 'order o-1 not found', details: { orderId: 'o-1' } });
    expect(new DomainError('CONFLICT', 'taken').details).toEqual({});
  });

  it('offers exactly the codes of architecture invariant 7', () => {
    expect([...ERROR_CODES].sort()).toEqual(['BAD_USER_INPUT', 'CONFLICT', 'FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED', 'UNAUTHENTICATED']);
  });
});

describe('ValidationError', () => {
  it('is a BAD_USER_INPUT DomainError naming the first issue in its message and every issue in its details', () => {
    const issues = [
      { path: 'items.0.quantity', message: 'must be positive' },
      { path: 'customerId', message: 'required' },
    ];
    const error = new ValidationError(issues);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ name: 'ValidationError', code: 'BAD_USER_INPUT', message: 'items.0.quantity: must be positive', path: 'items.0.quantity' });
    expect(error.issues).toEqual(issues);
    expect(error.details).toEqual({ field: 'items.0.quantity', issues });
  });

  it('words an issue about the whole input without a path, and an empty list as invalid input', () => {
    expect(new ValidationError([{ path: '', message: 'expected an object' }]).message).toBe('expected an object');
    const empty = new ValidationError([]);
    expect(empty).toMatchObject({ message: 'invalid input', path: '', details: { field: '', issues: [] } });
  });

  it('fromZod turns every zod issue into a dotted path, under an optional prefix', () => {
    const result = placeOrderInput.safeParse({ customerId: '', items: [{ sku: 'SKU-1', quantity: 0 }] });
    if (result.success) throw new Error('the input should be invalid');
    const error = ValidationError.fromZod(result.error, ['input']);
    expect(error.issues.map((issue) => issue.path)).toEqual(['input.customerId', 'input.items.0.quantity']);
    expect(error.message).toMatch(/^input\.customerId: /);
    expect(ValidationError.fromZod(result.error).path).toBe('customerId');
  });
});

describe('validateInput', () => {
  it('returns the parsed value of valid input', () => {
    const input = { customerId: 'c-1', items: [{ sku: 'SKU-1', quantity: 2 }], extra: 'dropped' };
    expect(validateInput(placeOrderInput, input)).toEqual({ customerId: 'c-1', items: [{ sku: 'SKU-1', quantity: 2 }] });
  });

  it('throws a ValidationError, never a raw ZodError, prefixing paths with the argument name', () => {
    const error = thrownBy(() => validateInput(placeOrderInput, { customerId: 'c-1', items: [] }, ['input']));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).not.toBeInstanceOf(z.ZodError);
    expect((error as ValidationError).issues).toEqual([{ path: 'input.items', message: expect.any(String) }]);
    expect((error as ValidationError).code).toBe('BAD_USER_INPUT');
  });

  it('reports input that is not even an object', () => {
    const error = thrownBy(() => validateInput(placeOrderInput, 'nope')) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.path).toBe('');
    expect(error.message).not.toMatch(/^: /);
  });
});
