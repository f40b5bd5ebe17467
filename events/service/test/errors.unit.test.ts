import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import type { GraphQLError as GraphQLErrorType, GraphQLFormattedError } from 'graphql';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConcurrencyError } from '@tributary/bus';
import { DomainError, ValidationError } from '@tributary/contracts';
import { createErrorFormatter } from '../errors.ts';
import { SubscriptionOverflowError } from '../subscriptions/overflow-error.ts';

// The one mapping from thrown errors to GraphQL errors (architecture invariant 7), checked both
// directly and through Apollo Server in process (executeOperation: no network).

// Apollo Server (loaded by Node) uses graphql's CommonJS build, while vitest would give this file
// the ESM build (`module` field): two GraphQLError classes, and Apollo's `instanceof` would not
// recognise ours. Build errors with the very class Apollo checks against.
const { GraphQLError } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** A real pino logger writing into memory, so tests can see what was logged. */
function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** What Apollo hands formatError for an error thrown in resolver `path`. */
function resolverError(original: Error, path: (string | number)[] = ['placeOrder']): { formatted: GraphQLFormattedError; error: GraphQLErrorType } {
  const error = new GraphQLError(original.message, { path, originalError: original, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  const formatted = { ...error.toJSON(), locations: [{ line: 1, column: 12 }], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: original.stack?.split('\n') } };
  return { formatted, error };
}

describe('createErrorFormatter', () => {
  it('keeps a DomainError message and code, with its details and the location', () => {
    const { logger, lines } = memoryLogger();
    const { formatted, error } = resolverError(new DomainError('NOT_FOUND', 'order o-1 not found', { orderId: 'o-1' }));
    expect(createErrorFormatter(logger)(formatted, error)).toEqual({
      message: 'order o-1 not found',
      locations: [{ line: 1, column: 12 }],
      path: ['placeOrder'],
      extensions: { orderId: 'o-1', code: 'NOT_FOUND' },
    });
    expect(lines).toEqual([]);
  });

  it('lets no detail override the code of a DomainError', () => {
    const { logger } = memoryLogger();
    const { formatted, error } = resolverError(new DomainError('FORBIDDEN', 'not yours', { code: 'OK', field: 'orderId' }));
    expect(createErrorFormatter(logger)(formatted, error).extensions).toEqual({ code: 'FORBIDDEN', field: 'orderId' });
  });

  it('maps a ValidationError (a DomainError) to BAD_USER_INPUT naming every issue', () => {
    const { logger } = memoryLogger();
    const issues = [{ path: 'items.0.quantity', message: 'must be positive' }];
    const { formatted, error } = resolverError(new ValidationError(issues));
    expect(createErrorFormatter(logger)(formatted, error)).toMatchObject({
      message: 'items.0.quantity: must be positive',
      extensions: { code: 'BAD_USER_INPUT', field: 'items.0.quantity', issues },
    });
  });

  it('maps a lost optimistic-concurrency race to CONFLICT without the stream internals', () => {
    const { logger, lines } = memoryLogger();
    const { formatted, error } = resolverError(new ConcurrencyError('order-o-1', 3, 4));
    const result = createErrorFormatter(logger)(formatted, error);
    expect(result).toEqual({
      message: 'the data changed concurrently, retry the request',
      locations: [{ line: 1, column: 12 }],
      path: ['placeOrder'],
      extensions: { code: 'CONFLICT' },
    });
    expect(JSON.stringify(result)).not.toContain('order-o-1');
    expect(lines).toEqual([]);
  });

  it('hides anything else behind INTERNAL_SERVER_ERROR, and logs it with its stack', () => {
    const { logger, lines } = memoryLogger();
    const boom = new Error('connect ECONNREFUSED 10.0.0.7:27017 at /srv/app/db.ts');
    const { formatted, error } = resolverError(boom, ['order', 'items']);
    const result = createErrorFormatter(logger)(formatted, error);
    expect(result).toEqual({
      message: 'internal server error',
      locations: [{ line: 1, column: 12 }],
      path: ['order', 'items'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'resolver failed', path: ['order', 'items'], err: { message: boom.message } });
    expect(String((lines[0]!.err as { stack: string }).stack)).toContain('errors.unit.test.ts');
  });

  it('hides a GraphQLError thrown by a resolver with a code of its own', () => {
    const { logger } = memoryLogger();
    const thrown = new GraphQLError('secret detail', { extensions: { code: 'SOMETHING_ELSE' } });
    const result = createErrorFormatter(logger)({ message: thrown.message, extensions: { code: 'SOMETHING_ELSE' } }, thrown);
    expect(result).toEqual({ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('passes Apollo request errors through, without their stacktrace', () => {
    const { logger, lines } = memoryLogger();
    const formatted = {
      message: 'Cannot query field "nope" on type "Query".',
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['GraphQLError: ...', '    at /srv/node_modules/graphql/validate.js:1:1'] },
    };
    const error = new GraphQLError(formatted.message, { extensions: formatted.extensions });
    expect(createErrorFormatter(logger)(formatted, error)).toEqual({
      message: formatted.message,
      locations: formatted.locations,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(lines).toEqual([]);
  });
});

describe('createErrorFormatter on subscription errors (graphql-ws wraps them without a path)', () => {
  /** What graphql-ws hands onError for an error thrown by a subscription's event stream. */
  const wrapped = (original: Error) => {
    const error = new GraphQLError(original.message, { originalError: original });
    return { formatted: error.toJSON(), error };
  };

  it('maps a wrapped DomainError (e.g. the subscription server refusing an assertion) by its code', () => {
    const { logger, lines } = memoryLogger();
    const { formatted, error } = wrapped(new DomainError('UNAUTHENTICATED', 'invalid gateway assertion'));
    expect(createErrorFormatter(logger)(formatted, error)).toEqual({ message: 'invalid gateway assertion', extensions: { code: 'UNAUTHENTICATED' } });
    expect(lines).toEqual([]);
  });

  it('answers an overflowed subscription with SUBSCRIPTION_OVERFLOW and its bound', () => {
    const { logger, lines } = memoryLogger();
    const overflow = new SubscriptionOverflowError(1000);
    const { formatted, error } = wrapped(overflow);
    expect(createErrorFormatter(logger)(formatted, error)).toEqual({ message: overflow.message, extensions: { code: 'SUBSCRIPTION_OVERFLOW', maxBuffered: 1000 } });
    expect(lines).toEqual([]);
  });

  it('still hides any other wrapped error behind INTERNAL_SERVER_ERROR', () => {
    const { logger, lines } = memoryLogger();
    const { formatted, error } = wrapped(new Error('redis exploded at /srv/app.ts'));
    expect(createErrorFormatter(logger)(formatted, error)).toEqual({ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(lines).toHaveLength(1);
  });
});

describe('createErrorFormatter under Apollo Server', () => {
  const typeDefs = 'type Query { conflict: String, crash: String, ok: String }';
  const resolvers = {
    Query: {
      conflict: () => {
        throw new DomainError('CONFLICT', 'order o-1 is already shipped');
      },
      crash: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'items')");
      },
      ok: () => 'fine',
    },
  };

  async function run(query: string) {
    const { logger, lines } = memoryLogger();
    // Even with stack traces switched on, the formatter must not let one through.
    const apollo = new ApolloServer({ typeDefs, resolvers, formatError: createErrorFormatter(logger), includeStacktraceInErrorResponses: true, logger });
    try {
      const response = await apollo.executeOperation({ query });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return { result: response.body.singleResult, text: JSON.stringify(response.body.singleResult), lines };
    } finally {
      await apollo.stop();
    }
  }

  it('answers a DomainError with its code and message next to the data of the other fields', async () => {
    const { result } = await run('{ ok conflict }');
    expect(result.data).toEqual({ ok: 'fine', conflict: null });
    expect(result.errors).toEqual([
      { message: 'order o-1 is already shipped', locations: [{ line: 1, column: 6 }], path: ['conflict'], extensions: { code: 'CONFLICT' } },
    ]);
  });

  it('answers an unexpected error without stack trace, file path or original message', async () => {
    const { result, text, lines } = await run('{ crash }');
    expect(result.errors).toEqual([
      { message: 'internal server error', locations: [{ line: 1, column: 3 }], path: ['crash'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(text).not.toMatch(/stacktrace|\.ts|\.js|at |reading 'items'/);
    expect(lines.some((line) => line.msg === 'resolver failed')).toBe(true);
  });

  it('answers an invalid query with Apollo own code and no stacktrace', async () => {
    const { result, text } = await run('{ nope }');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    expect(text).not.toContain('stacktrace');
  });
});
