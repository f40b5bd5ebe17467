// Subgraphs run in this process: each is a real @apollo/subgraph schema, executed with graphql-js
// on every request the executor sends, so plans run exactly as over HTTP minus the socket. Every
// request is recorded, and every answer goes through JSON (as off the wire) and is deep-frozen:
// the executor must never write into a subgraph answer (a shared flight hands one to several
// executions), and a frozen object makes any such write throw in these strict-mode modules.
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { execute, parse, validate, type GraphQLSchema } from 'graphql';
import { composeSupergraph } from '../../../src/supergraph/compose.ts';
import type { SubgraphRequest, SubgraphResponse, SubgraphSendOptions, SubgraphTransport } from '../../../src/executor/types.ts';
import { deepFreeze } from './deep-freeze.ts';

export interface InProcessSubgraphSpec {
  name: string;
  sdl: string;
  resolvers: GraphQLResolverMap;
}

export interface RecordedRequest {
  subgraph: string;
  request: SubgraphRequest;
  options: SubgraphSendOptions;
  /** The frozen answer the executor was handed. */
  response: SubgraphResponse;
}

export interface InProcessFederation {
  supergraphSdl: string;
  /** Each subgraph's executable schema (to validate what was sent against it). */
  schemas: Map<string, GraphQLSchema>;
  transport: SubgraphTransport;
  /** Every request sent so far, in order. */
  requests: RecordedRequest[];
  requestsTo(subgraph: string): RecordedRequest[];
}

export function inProcessFederation(specs: InProcessSubgraphSpec[]): InProcessFederation {
  const schemas = new Map(specs.map((spec) => [spec.name, buildSubgraphSchema([{ typeDefs: parse(spec.sdl), resolvers: spec.resolvers }])]));
  // The URLs are never used: the transport below answers instead of any HTTP server.
  const { supergraphSdl } = composeSupergraph(specs.map((spec) => ({ name: spec.name, url: `http://${spec.name}.in-process.invalid/graphql`, sdl: spec.sdl })));
  const requests: RecordedRequest[] = [];

  const transport: SubgraphTransport = async (subgraph, request, options) => {
    const schema = schemas.get(subgraph);
    if (!schema) throw new Error(`no in-process subgraph "${subgraph}"`);
    const document = parse(request.query);
    const invalid = validate(schema, document);
    const result = invalid.length > 0 ? { errors: invalid } : await execute({ schema, document, variableValues: request.variables, operationName: request.operationName, contextValue: {} });
    const response = deepFreeze(JSON.parse(JSON.stringify(result)) as SubgraphResponse);
    requests.push({ subgraph, request: structuredClone(request), options, response });
    return response;
  };

  return { supergraphSdl, schemas, transport, requests, requestsTo: (subgraph) => requests.filter((r) => r.subgraph === subgraph) };
}
