import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, SupergraphCompositionError } from '../src/supergraph/compose.ts';
import { parseSupergraphConfig } from '../src/supergraph/supergraph-config.ts';
import { subgraphEndpoints } from '../src/supergraph/subgraph-endpoints.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const orderSdl = readFileSync(path.join(repoRoot, 'subgraphs/order/src/schema.graphql'), 'utf8');
const supergraphYaml = readFileSync(path.join(repoRoot, 'supergraph.yaml'), 'utf8');

function compositionProblems(run: () => unknown): SupergraphCompositionError {
  try {
    run();
  } catch (error) {
    if (error instanceof SupergraphCompositionError) return error;
    throw error;
  }
  throw new Error('composition unexpectedly succeeded');
}

describe('supergraph.yaml', () => {
  it('lists the four subgraphs with their routing URLs and SDL paths relative to the file', () => {
    const config = parseSupergraphConfig(supergraphYaml, repoRoot);
    expect(config.federationVersion).toMatch(/^=2\./);
    const names = ['order', 'inventory', 'payment', 'notification'];
    expect(config.subgraphs).toEqual(
      names.map((name, index) => ({
        name,
        routingUrl: `http://127.0.0.1:${4001 + index}/graphql`,
        schemaPath: path.join(repoRoot, `subgraphs/${name}/src/schema.graphql`),
      })),
    );
  });

  it('composes the four subgraph schemas without errors', async () => {
    const config = parseSupergraphConfig(supergraphYaml, repoRoot);
    const subgraphs = config.subgraphs.map((subgraph) => ({ name: subgraph.name, url: subgraph.routingUrl, sdl: readFileSync(subgraph.schemaPath, 'utf8') }));
    const { supergraphSdl } = composeSupergraph(subgraphs);
    for (const name of ['ORDER', 'INVENTORY', 'PAYMENT', 'NOTIFICATION']) expect(supergraphSdl).toContain(`${name} @join__graph`);
  });

  it('rejects a config that Tributary cannot compose offline, naming each problem', () => {
    const yaml = 'federation_version: 1\nsubgraphs:\n  order:\n    routing_url: not-a-url\n    schema:\n      subgraph_url: http://x\n';
    expect(() => parseSupergraphConfig(yaml, '/tmp')).toThrowError(/federation_version[\s\S]*routing_url[\s\S]*schema/);
  });
});

describe('composeSupergraph', () => {
  it('composes the order subgraph into a supergraph that routes to it', () => {
    const { supergraphSdl } = composeSupergraph([{ name: 'order', url: 'http://127.0.0.1:4001/graphql', sdl: orderSdl }]);
    expect(supergraphSdl).toContain('ORDER @join__graph(name: "order", url: "http://127.0.0.1:4001/graphql")');
    expect(supergraphSdl).toMatch(/type Order\s+@join__type\(graph: ORDER, key: "id"\)/);
    expect(supergraphSdl).toContain('placeOrder(input: PlaceOrderInput!): Order!');
    const orders = buildSchema(supergraphSdl).getQueryType()?.getFields()['orders'];
    expect(String(orders?.type)).toBe('OrderConnection!');
    expect(orders?.args.map((a) => [a.name, String(a.type), a.defaultValue])).toEqual([
      ['status', 'OrderStatus', undefined],
      ['first', 'Int', 20],
      ['after', 'String', undefined],
    ]);
    expect(subgraphEndpoints(supergraphSdl)).toEqual([{ name: 'order', url: 'http://127.0.0.1:4001/graphql', urls: ['http://127.0.0.1:4001/graphql'] }]);
  });

  it('reports a syntax error in every broken subgraph, not only the first', () => {
    const error = compositionProblems(() =>
      composeSupergraph([
        { name: 'a', url: 'http://a', sdl: 'type Query { a: String' },
        { name: 'b', url: 'http://b', sdl: 'type Query { b: }' },
      ]),
    );
    expect(error.problems.map((p) => [p.code, p.subgraph])).toEqual([
      ['INVALID_GRAPHQL', 'a'],
      ['INVALID_GRAPHQL', 'b'],
    ]);
    expect(error.message).toMatch(/2 error\(s\)[\s\S]*\(a\) Syntax Error[\s\S]*\(b\) Syntax Error/);
  });

  it('lists every composition error with its code', () => {
    const broken = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      type Order @key(fields: "id") { id: ID!, status: Int! }
      type Query { order(id: ID!): Order, extra: String }
    `;
    const error = compositionProblems(() =>
      composeSupergraph([
        { name: 'order', url: 'http://o', sdl: orderSdl },
        { name: 'broken', url: 'http://b', sdl: broken },
      ]),
    );
    expect(error.problems.map((p) => p.code).sort()).toEqual(['FIELD_TYPE_MISMATCH', 'INVALID_FIELD_SHARING', 'INVALID_FIELD_SHARING']);
    expect(error.message).toMatch(/^supergraph composition failed with 3 error\(s\)/);
    for (const problem of error.problems) expect(error.message).toContain(`[${problem.code}] ${problem.message}`);
    expect(error.message).toContain('"Order.status"');
    expect(error.message).toContain('"Query.order"');
  });

  it('reports an unknown type with the subgraph it is in', () => {
    const error = compositionProblems(() => composeSupergraph([{ name: 'lonely', url: 'http://l', sdl: 'type Query { a: Missing }' }]));
    expect(error.problems).toEqual([{ code: 'INVALID_GRAPHQL', message: expect.stringMatching(/Unknown type Missing/) }]);
  });
});

describe('subgraphEndpoints', () => {
  const { supergraphSdl } = composeSupergraph([{ name: 'order', url: 'http://127.0.0.1:4001/graphql', sdl: orderSdl }]);

  it('applies a URL override to the named subgraph', () => {
    expect(subgraphEndpoints(supergraphSdl, { order: 'http://order:4001/graphql' })).toEqual([
      { name: 'order', url: 'http://order:4001/graphql', urls: ['http://order:4001/graphql'] },
    ]);
  });

  it('rejects an override for a subgraph the supergraph does not have', () => {
    expect(() => subgraphEndpoints(supergraphSdl, { ordr: 'http://x/graphql' })).toThrowError(/unknown subgraph\(s\): ordr/);
  });

  it('rejects an SDL that is not a supergraph', () => {
    expect(() => subgraphEndpoints(orderSdl)).toThrowError(/join__Graph/);
  });
});
