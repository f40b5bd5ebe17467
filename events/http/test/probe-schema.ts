import { createRequire } from 'node:module';
import type { ValidationRule } from 'graphql';
import { DomainError, type Actor } from '@tributary/contracts';

// The schema the subscription-server tests run: a stream of ticks the test pushes, a field that
// answers who the caller is, and one that refuses.

// The schema must come from the graphql copy graphql-ws executes with (see subscription-errors.ts).
export const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');
export const AUDIENCE = 'probe';
export const alice: Actor = { customerId: 'alice', role: 'customer' };
export const bob: Actor = { customerId: 'bob', role: 'customer' };

export interface ProbeContext {
  actor: Actor | null;
}

/** Ticks pushed by the test; counts live listeners so that cleanup can be checked. */
export const ticks = {
  listeners: new Set<(value: number) => void>(),
  emit(value: number) {
    for (const listener of ticks.listeners) listener(value);
  },
};
/** How many times a resolver stream was started: proves that a refused subscription ran nothing. */
export const resolverRuns = { count: 0 };

function tickStream(): AsyncIterableIterator<number> {
  const queue: number[] = [];
  let wake: (() => void) | undefined;
  const listener = (value: number) => {
    queue.push(value);
    wake?.();
  };
  ticks.listeners.add(listener);
  let done = false;
  return {
    async next() {
      while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return done ? { value: undefined, done: true } : { value: queue.shift()!, done: false };
    },
    async return() {
      done = true;
      ticks.listeners.delete(listener);
      wake?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}

const Subscription = new graphql.GraphQLObjectType<unknown, ProbeContext>({
  name: 'Subscription',
  fields: {
    ticks: {
      type: new graphql.GraphQLNonNull(graphql.GraphQLInt),
      subscribe: () => {
        resolverRuns.count += 1;
        return tickStream();
      },
      resolve: (value: unknown) => value,
    },
    whoami: {
      type: new graphql.GraphQLNonNull(graphql.GraphQLString),
      args: { note: { type: graphql.GraphQLString } },
      subscribe: (_: unknown, __: unknown, context: ProbeContext) => {
        resolverRuns.count += 1;
        return once(context.actor ? `${context.actor.role}:${context.actor.customerId}` : 'anonymous');
      },
      resolve: (value: unknown) => value,
    },
    refused: {
      type: graphql.GraphQLString,
      subscribe: () => {
        throw new DomainError('NOT_FOUND', 'nothing here');
      },
    },
  },
});
export const schema = new graphql.GraphQLSchema({ query: new graphql.GraphQLObjectType({ name: 'Query', fields: { ok: { type: graphql.GraphQLBoolean, resolve: () => true } } }), subscription: Subscription });

/** Refuses any operation with a field aliased `forbidden`: proves the extra rules run. */
export const noForbidden: ValidationRule = (context) => ({
  Field(node) {
    if ((node.alias ?? node.name).value === 'forbidden') context.reportError(new graphql.GraphQLError('forbidden field', { nodes: [node], extensions: { limit: 'test' } }));
  },
});
