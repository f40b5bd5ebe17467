import { GraphQLError, type ASTNode } from 'graphql';

/** Which operation limit an answer names in `extensions.limit`. */
export type LimitName = 'size' | 'tokens' | 'depth' | 'aliases' | 'rootFields' | 'directives' | 'cost';

/** The one code every refused operation carries; `extensions.limit` says which limit it hit. */
export const OPERATION_LIMIT_CODE = 'OPERATION_LIMIT';

const WHAT: Record<LimitName, string> = {
  size: 'bytes',
  tokens: 'tokens',
  depth: 'levels of nesting',
  aliases: 'aliases',
  rootFields: 'root fields',
  directives: 'directives',
  cost: 'cost units',
};

/**
 * A refusal the client can act on: which limit, its maximum and (when it was counted to the
 * end) the operation's figure. Status 400: the operation, not the server, is at fault.
 */
export function operationLimitError(limit: LimitName, max: number, actual?: number, node?: ASTNode): GraphQLError {
  const figure = actual === undefined ? `more than ${max}` : `${actual}, more than the ${max} allowed`;
  return new GraphQLError(`operation refused: ${figure} ${WHAT[limit]} (limit: ${limit})`, {
    ...(node ? { nodes: [node] } : {}),
    extensions: {
      code: OPERATION_LIMIT_CODE,
      limit,
      max,
      ...(actual === undefined ? {} : { actual }),
      http: { status: 400 },
    },
  });
}
