import { Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import { correctPlanner } from './planner-corrections.ts';
import { typeRelations, type TypeRelations } from './type-relations.ts';

/**
 * Everything built once per supergraph (never per request): Apollo's supergraph model and
 * query planner, the API schema clients see, the supergraph schema the plans' type conditions
 * refer to, and the type relations the executor asks about. Shared by the query executor and
 * the subscription executor.
 */
export interface FederatedSchema {
  supergraphSdl: string;
  planner: QueryPlanner;
  /** Apollo's model of the API schema (what the planner takes operations in). */
  apiSchema: Schema;
  apiGraphQLSchema: GraphQLSchema;
  supergraphGraphQLSchema: GraphQLSchema;
  types: TypeRelations;
}

export function buildFederatedSchema(supergraphSdl: string): FederatedSchema {
  const supergraph = Supergraph.build(supergraphSdl);
  const apiSchema = supergraph.apiSchema();
  const supergraphGraphQLSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  correctPlanner(planner);
  return {
    supergraphSdl,
    planner,
    apiSchema,
    apiGraphQLSchema: apiSchema.toGraphQLJSSchema(),
    supergraphGraphQLSchema,
    types: typeRelations(supergraphGraphQLSchema),
  };
}
