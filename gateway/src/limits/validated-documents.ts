import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { LruCache } from '../cache/lru-cache.ts';

/**
 * Operations parsed once, and validated once when they are within the limits: a client repeating
 * an operation (the usual case) costs neither a parse nor a graphql-js validation again. A
 * document that does not validate is left to Apollo, which validates it and answers with its own
 * errors. One cache per schema (a reloaded schema starts afresh), bounded in count, and only for
 * sources up to `maxCachedBytes`: a client cannot fill the gateway's memory with big ASTs.
 *
 * The rules are graphql-js's specified rules, plus, with introspection off, one that fails any
 * `__schema`/`__type`: such an operation is left to Apollo, whose own rule refuses it.
 */
export interface ValidatedDocuments {
  /** The parsed document (undefined when the source does not parse). */
  parse(schema: GraphQLSchema, source: string): DocumentNode | undefined;
  /** The document when it validates against `schema`; undefined otherwise. Call only for an operation within the limits. */
  validated(schema: GraphQLSchema, source: string, document: DocumentNode): DocumentNode | undefined;
}

interface Entry {
  document: DocumentNode | undefined;
  valid?: boolean;
}

export function createValidatedDocuments(options: { maxTokens: number; introspection: boolean; capacity?: number; maxCachedBytes?: number }): ValidatedDocuments {
  const rules = options.introspection ? specifiedRules : [...specifiedRules, noIntrospection];
  const bySchema = new WeakMap<GraphQLSchema, LruCache<Entry>>();
  const maxCachedBytes = options.maxCachedBytes ?? 8 * 1024;
  const cacheOf = (schema: GraphQLSchema) => {
    let cache = bySchema.get(schema);
    if (!cache) bySchema.set(schema, (cache = new LruCache(options.capacity ?? 500)));
    return cache;
  };
  const parseOrUndefined = (source: string) => parseWithin(source, options.maxTokens);
  return {
    parse(schema, source) {
      if (source.length > maxCachedBytes) return parseOrUndefined(source);
      const cache = cacheOf(schema);
      let entry = cache.get(source);
      if (!entry) cache.set(source, (entry = { document: parseOrUndefined(source) }));
      return entry.document;
    },
    validated(schema, source, document) {
      const entry = source.length > maxCachedBytes ? undefined : cacheOf(schema).get(source);
      const valid = entry?.document === document && entry.valid !== undefined ? entry.valid : validate(schema, document, rules).length === 0;
      if (entry?.document === document) entry.valid = valid;
      return valid ? document : undefined;
    },
  };
}

const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') context.reportError(new GraphQLError('introspection is disabled', { nodes: [node] }));
  },
});

/** The parsed document, or undefined when the source does not parse within `maxTokens` (Apollo then answers with its own syntax error). */
export function parseWithin(source: string, maxTokens: number): DocumentNode | undefined {
  try {
    return parse(source, { maxTokens });
  } catch {
    return undefined;
  }
}
