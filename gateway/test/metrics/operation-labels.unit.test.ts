import { describe, expect, it } from 'vitest';
import { createOperationNameLabels } from '../../src/metrics/operation-names.ts';
import { operationOutcome } from '../../src/metrics/operation-outcome.ts';
import { timedFetch } from '../../src/metrics/subgraph-fetch-metrics.ts';

const coded = (...codes: string[]) => codes.map((code) => ({ extensions: { code } }));

describe('operation_name label', () => {
  it('keeps executed operation names, and calls unnamed or malformed ones anonymous', () => {
    const names = createOperationNameLabels(3);
    expect(names.label('PlaceOrder', true)).toBe('PlaceOrder');
    expect(names.label(null, true)).toBe('anonymous');
    expect(names.label(undefined, false)).toBe('anonymous');
    expect(names.label('', true)).toBe('anonymous');
    expect(names.label('not a name', true)).toBe('anonymous');
    expect(names.label('x'.repeat(101), true)).toBe('anonymous');
    expect(names.label('9lives', true)).toBe('anonymous');
  });

  it('caps the distinct names: past the cap every new name is "other", known ones stay', () => {
    const names = createOperationNameLabels(2);
    expect(names.label('A', true)).toBe('A');
    expect(names.label('B', true)).toBe('B');
    expect(names.label('C', true)).toBe('other');
    expect(names.label('A', true)).toBe('A');
    expect(names.label('B', false)).toBe('B');
  });

  it('admits no name from an operation that never executed, so refused junk cannot fill the places', () => {
    const names = createOperationNameLabels(2);
    for (let i = 0; i < 10; i++) expect(names.label(`Junk${i}`, false)).toBe('other');
    expect(names.label('Orders', true)).toBe('Orders');
    expect(names.label('Orders', false)).toBe('Orders');
  });
});

describe('operation outcome', () => {
  it('is success without errors, whether or not it executed', () => {
    expect(operationOutcome(undefined, true)).toBe('success');
    expect(operationOutcome([], true)).toBe('success');
  });

  it('is refused when a gateway guard answered before execution', () => {
    expect(operationOutcome(coded('OPERATION_LIMIT'), false)).toBe('refused');
    expect(operationOutcome(coded('RATE_LIMITED'), false)).toBe('refused');
    expect(operationOutcome(coded('UNAUTHENTICATED'), false)).toBe('refused');
  });

  it('is error for anything else: execution errors (an UNAUTHENTICATED from a resolver too), syntax, validation', () => {
    expect(operationOutcome(coded('UNAUTHENTICATED'), true)).toBe('error');
    expect(operationOutcome(coded('BAD_USER_INPUT'), true)).toBe('error');
    expect(operationOutcome(coded('GRAPHQL_PARSE_FAILED'), false)).toBe('error');
    expect(operationOutcome(coded('GRAPHQL_VALIDATION_FAILED'), false)).toBe('error');
    expect(operationOutcome(coded('OPERATION_LIMIT', 'INTERNAL_SERVER_ERROR'), false)).toBe('error');
    expect(operationOutcome([{}], false)).toBe('error');
  });
});

describe('timedFetch', () => {
  it('classifies each subgraph fetch and passes the response or error on untouched', async () => {
    const seen: string[] = [];
    let clock = 0;
    const observe = (outcome: string, seconds: number) => seen.push(`${outcome} ${seconds}`);
    const tick = () => (clock += 0.25);
    const ok = timedFetch(async (status: number) => ({ ok: status < 300, status }), observe, tick);
    expect(await ok(200)).toEqual({ ok: true, status: 200 });
    expect(await ok(401)).toEqual({ ok: false, status: 401 });
    const failing = timedFetch(async () => Promise.reject<{ ok: boolean }>(new Error('ECONNREFUSED')), observe, tick);
    await expect(failing()).rejects.toThrow('ECONNREFUSED');
    expect(seen).toEqual(['success 0.25', 'http_error 0.25', 'network_error 0.25']);
  });
});
