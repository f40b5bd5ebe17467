import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from '../../src/metrics/gateway-metrics.ts';
import { DEFAULT_OPERATION_LIMITS, operationLimitsPlugin } from '../../src/limits/operation-limits.ts';

const typeDefs = `
  type Query { hello: String, secret: String }
  type Mutation { place: String }
`;
const resolvers = {
  Query: { hello: () => 'hi', secret: () => { throw new GraphQLError('sign in', { extensions: { code: 'UNAUTHENTICATED' } }); } },
  Mutation: { place: () => 'placed' },
};

/** Apollo with the gateway's metrics and limits plugins, driven in memory (no HTTP server). */
async function server(options: { maxOperationNames?: number } = {}) {
  const registry = new Registry();
  const metrics = createGatewayMetrics(registry, options);
  const apollo = new ApolloServer({
    typeDefs,
    resolvers,
    documentStore: null,
    plugins: [metrics.operationsPlugin, operationLimitsPlugin({ ...DEFAULT_OPERATION_LIMITS, maxDepth: 2 }, { onRefused: metrics.limitRefused })],
  });
  await apollo.start();
  const post = (body: Record<string, unknown>, context: () => Promise<object> = async () => ({})) =>
    apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body },
      context,
    });
  return { registry, apollo, post };
}

/** A metric's series as `name{labels} value` (histograms: one per bucket, sum and count). */
type Series = { labels: Record<string, string | number | undefined>; value: number; metricName?: string };

async function values(registry: Registry, name: string): Promise<Series[]> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  // Histograms name each series (_bucket, _sum, _count); prom-client's type leaves metricName out.
  return (metric?.values ?? []) as Series[];
}

async function samples(registry: Registry, name: string): Promise<string[]> {
  return (await values(registry, name))
    .filter(({ value }) => value > 0)
    .map(({ labels, value, metricName }) => `${metricName ?? name}${JSON.stringify(labels)} ${value}`)
    .sort();
}

describe('gateway operation metrics', () => {
  it('counts and times operations by name, type and outcome', async () => {
    const { registry, apollo, post } = await server();
    try {
      await post({ query: 'query Hello { hello }' });
      await post({ query: 'mutation Place { place }' });
      await post({ query: '{ hello }' });
      await post({ query: 'query Secret { secret }' });
      await post({ query: 'query Broken { nope }', operationName: 'Broken' });
      await post({ query: 'query Hello { hello' });
      expect(await samples(registry, 'graphql_operations_total')).toEqual([
        'graphql_operations_total{"operation_name":"Hello","operation_type":"query","outcome":"success"} 1',
        'graphql_operations_total{"operation_name":"Place","operation_type":"mutation","outcome":"success"} 1',
        'graphql_operations_total{"operation_name":"Secret","operation_type":"query","outcome":"error"} 1',
        'graphql_operations_total{"operation_name":"anonymous","operation_type":"query","outcome":"success"} 1',
        // Never executed (invalid): its name is not admitted, and its type is not trusted.
        'graphql_operations_total{"operation_name":"other","operation_type":"unknown","outcome":"error"} 1',
        // A syntax error: no name at all.
        'graphql_operations_total{"operation_name":"anonymous","operation_type":"unknown","outcome":"error"} 1',
      ].sort());
      const counts = (await values(registry, 'graphql_operation_duration_seconds')).filter((v) => v.metricName?.endsWith('_count'));
      expect(counts.reduce((sum, v) => sum + v.value, 0)).toBe(6);
    } finally {
      await apollo.stop();
    }
  });

  it('counts operation-limit refusals by limit, and as refused operations', async () => {
    const { registry, apollo, post } = await server();
    try {
      await post({ query: 'query Hello { hello }' });
      await post({ query: 'query Hello { hello { x { y } } }', operationName: 'Hello' });
      await post({ query: `{ hello } # ${'x'.repeat(70_000)}` });
      expect(await samples(registry, 'graphql_operation_limit_refusals_total')).toEqual([
        'graphql_operation_limit_refusals_total{"limit":"depth"} 1',
        'graphql_operation_limit_refusals_total{"limit":"size"} 1',
      ]);
      const zero = (await values(registry, 'graphql_operation_limit_refusals_total')).map((v) => v.labels.limit);
      expect(zero).toEqual(expect.arrayContaining(['size', 'tokens', 'depth', 'aliases', 'rootFields', 'directives', 'cost']));
      expect(await samples(registry, 'graphql_operations_total')).toEqual([
        'graphql_operations_total{"operation_name":"Hello","operation_type":"query","outcome":"success"} 1',
        'graphql_operations_total{"operation_name":"Hello","operation_type":"unknown","outcome":"refused"} 1',
        'graphql_operations_total{"operation_name":"anonymous","operation_type":"unknown","outcome":"refused"} 1',
      ]);
    } finally {
      await apollo.stop();
    }
  });

  it('counts a refusal while the context is built (bad token, rate limit) as refused, any other failure as error', async () => {
    const { registry, apollo, post } = await server();
    try {
      const refuse = (code: string) => async () => {
        throw new GraphQLError('no', { extensions: { code } });
      };
      await post({ query: 'query Hello { hello }' }, refuse('UNAUTHENTICATED'));
      await post({ query: 'query Hello { hello }' }, refuse('RATE_LIMITED'));
      await post({ query: 'query Hello { hello }' }, async () => {
        throw new Error('redis exploded');
      });
      expect(await samples(registry, 'graphql_operations_total')).toEqual([
        'graphql_operations_total{"operation_name":"anonymous","operation_type":"unknown","outcome":"error"} 1',
        'graphql_operations_total{"operation_name":"anonymous","operation_type":"unknown","outcome":"refused"} 2',
      ]);
    } finally {
      await apollo.stop();
    }
  });

  it('bounds operation_name: past the cap new names count as "other"', async () => {
    const { registry, apollo, post } = await server({ maxOperationNames: 2 });
    try {
      for (const name of ['A', 'B', 'C', 'D', 'A']) await post({ query: `query ${name} { hello }` });
      expect(await samples(registry, 'graphql_operations_total')).toEqual([
        'graphql_operations_total{"operation_name":"A","operation_type":"query","outcome":"success"} 2',
        'graphql_operations_total{"operation_name":"B","operation_type":"query","outcome":"success"} 1',
        'graphql_operations_total{"operation_name":"other","operation_type":"query","outcome":"success"} 2',
      ]);
    } finally {
      await apollo.stop();
    }
  });
});
