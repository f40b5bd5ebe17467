// HTTP plumbing shared by the gateway and every subgraph: Apollo Server on node:http, the
// health, readiness and metrics routes, and the gateway's signed assertions to subgraphs.
export { BadRequestBodyError, fromBodyText, readBody, toHTTPGraphQLRequest, writeHTTPGraphQLResponse } from './node-graphql-request.ts';
export { createServiceServer, GRAPHQL_PATH, type ServiceServer, type ServiceServerOptions } from './service-server.ts';
export { answerRequestError, sendJson, sendMetrics } from './responses.ts';
export {
  attachSubscriptionServer,
  CLOSE_UNAUTHORIZED,
  type ErrorFormatter,
  type SubscriptionServer,
  type SubscriptionServerOptions,
} from './subscription-server.ts';
export {
  ASSERTION_HEADER,
  ASSERTION_ISSUER,
  bodyHash,
  CONNECTION_ASSERTION_BODY,
  SUBSCRIPTION_ASSERTION_KEY,
  subscriptionAssertionBody,
  type SubscribePayloadFields,
  createAssertionSigner,
  createAssertionVerifier,
  generateAssertionKeyPair,
  UntrustedRequestError,
  type AssertionSigner,
  type AssertionVerifier,
} from './gateway-assertion.ts';
export {
  createMemoryReplayStore,
  createRedisReplayStore,
  replayRedisOptions,
  type RedisReplayStore,
  type RedisReplayStoreOptions,
  type ReplayRedis,
  type ReplayStore,
} from './replay-store.ts';
