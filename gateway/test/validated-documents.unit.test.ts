import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createValidatedDocuments } from '../src/limits/validated-documents.ts';

const schema = buildSchema('type Query { product(id: ID!): Product } type Product { id: ID! name: String }');
const VALID = '{ product(id: "1") { id name } }';

describe('validated documents', () => {
  it('parses an operation text once and hands back the same document', () => {
    const documents = createValidatedDocuments({ maxTokens: 1000, introspection: false });
    const first = documents.parse(schema, VALID);
    expect(first).toBeDefined();
    expect(documents.parse(schema, VALID)).toBe(first);
    expect(documents.validated(schema, VALID, first!)).toBe(first);
  });

  it('gives nothing for an operation that does not validate, so Apollo answers it with its own errors', () => {
    const documents = createValidatedDocuments({ maxTokens: 1000, introspection: false });
    const source = '{ product(id: "1") { price } }';
    const document = documents.parse(schema, source)!;
    expect(documents.validated(schema, source, document)).toBeUndefined();
    // Remembered as invalid: asked again, still nothing.
    expect(documents.validated(schema, source, document)).toBeUndefined();
  });

  it('gives nothing for a source that does not parse', () => {
    const documents = createValidatedDocuments({ maxTokens: 1000, introspection: false });
    expect(documents.parse(schema, '{ product(')).toBeUndefined();
  });

  it('leaves introspection to Apollo when it is off, and takes it when it is on', () => {
    const source = '{ __schema { queryType { name } } }';
    const off = createValidatedDocuments({ maxTokens: 1000, introspection: false });
    expect(off.validated(schema, source, off.parse(schema, source)!)).toBeUndefined();
    const on = createValidatedDocuments({ maxTokens: 1000, introspection: true });
    expect(on.validated(schema, source, on.parse(schema, source)!)).toBeDefined();
  });

  it('does not keep a document bigger than the size bound: each request parses it afresh', () => {
    const documents = createValidatedDocuments({ maxTokens: 1000, introspection: false, maxCachedBytes: 10 });
    const first = documents.parse(schema, VALID)!;
    const second = documents.parse(schema, VALID)!;
    expect(second).not.toBe(first);
    expect(documents.validated(schema, VALID, second)).toBe(second);
  });

  it('keeps one cache per schema (a reloaded schema validates again)', () => {
    const documents = createValidatedDocuments({ maxTokens: 1000, introspection: false });
    const other = buildSchema('type Query { product(id: ID!): Product } type Product { id: ID! }');
    const document = documents.parse(schema, VALID)!;
    expect(documents.validated(schema, VALID, document)).toBe(document);
    const again = documents.parse(other, VALID)!;
    expect(documents.validated(other, VALID, again)).toBeUndefined();
  });

  it('refuses more tokens than allowed', () => {
    const documents = createValidatedDocuments({ maxTokens: 5, introspection: false });
    expect(documents.parse(schema, VALID)).toBeUndefined();
    // The same text parses without the bound: the refusal is the bound's.
    expect(parse(VALID)).toBeDefined();
  });
});
