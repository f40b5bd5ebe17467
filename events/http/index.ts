// HTTP plumbing shared by the gateway and every subgraph: Apollo Server on node:http, plus the
// health, readiness and metrics routes.
export { BadRequestBodyError, toHTTPGraphQLRequest, writeHTTPGraphQLResponse } from './node-graphql-request.ts';
export { createServiceServer, GRAPHQL_PATH, type ServiceServer, type ServiceServerOptions } from './service-server.ts';
export { answerRequestError, sendJson, sendMetrics } from './responses.ts';
