import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, parse, type DocumentNode, type FragmentDefinitionNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { checkAliases } from './aliases.ts';
import { checkCost } from './cost.ts';
import { checkDepth } from './depth.ts';
import { checkDirectives } from './directives.ts';
import type { LimitInput } from './fragments.ts';
import { checkQuerySize } from './query-size.ts';
import { checkRootFields } from './root-fields.ts';
import { checkTokenCount } from './token-count.ts';
import { createValidatedDocuments, parseWithin } from './validated-documents.ts';

/** What one operation may ask of the gateway (GatewayConfig.limits; see config.ts for the variables). */
export interface OperationLimits {
  maxBytes: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxDirectives: number;
  maxCost: number;
  /** The size the cost estimate assumes for a list whose field is given no `first`. */
  defaultListSize: number;
}

/** Safe for the public endpoint: the README's richest query costs about 3,000 at first: 20. */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxBytes: 64 * 1024,
  maxTokens: 5_000,
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 10,
  maxDirectives: 50,
  maxCost: 5_000,
  defaultListSize: 20,
};

/** The checks that need a parsed document, cheapest first (the first failure is the answer). */
function checkDocument(schema: GraphQLSchema, document: DocumentNode, limits: OperationLimits, variables: Record<string, unknown> | undefined): GraphQLError | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  for (const operation of document.definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    const input: LimitInput = { schema, operation, fragments };
    const error =
      checkRootFields(input, limits.maxRootFields) ??
      checkAliases(input, limits.maxAliases) ??
      checkDirectives(input, limits.maxDirectives) ??
      checkDepth(input, limits.maxDepth) ??
      checkCost(input, { maxCost: limits.maxCost, defaultListSize: limits.defaultListSize, variables });
    if (error) return error;
  }
  return undefined;
}

/** The first limit the operation exceeds, or undefined; a source that does not parse is left to Apollo's parser. */
export function checkOperation(schema: GraphQLSchema, source: string, limits: OperationLimits, variables?: Record<string, unknown>): GraphQLError | undefined {
  return checkParsedOperation(schema, source, limits, variables).refusal;
}

/** The refusal, if any, and the parsed document when the source parsed (cheap checks first, then the parse). */
function checkParsedOperation(
  schema: GraphQLSchema,
  source: string,
  limits: OperationLimits,
  variables: Record<string, unknown> | undefined,
  parseSource: (source: string) => DocumentNode | undefined = (text) => parseWithin(text, limits.maxTokens),
): { refusal?: GraphQLError; document?: DocumentNode } {
  const early = checkQuerySize(source, limits.maxBytes) ?? checkTokenCount(source, limits.maxTokens);
  if (early) return { refusal: early };
  const document = parseSource(source);
  if (!document) return {};
  const refusal = checkDocument(schema, document, limits, variables);
  return refusal ? { refusal, document } : { document };
}

export interface OperationLimitsHooks {
  /** Each refusal, with the limit it names (extensions.limit): graphql_operation_limit_refusals_total. */
  onRefused?(limit: string): void;
  /** Whether introspection is allowed (as configured on Apollo Server; default false). */
  introspection?: boolean;
}

/** Stands in for a refused operation so Apollo neither parses nor validates its source. */
const REFUSED: DocumentNode = parse('{ __typename }');

/**
 * Refuses an operation over any limit as soon as its source is known: before Apollo parses it,
 * before the specified validation rules (some are quadratic in the number of fields) and long
 * before query planning or a subgraph fetch. The answer has code OPERATION_LIMIT, status 400 and
 * `extensions.limit` naming the limit.
 *
 * Apollo answers an error thrown from `didResolveSource` as an unexpected one (500, logged as a
 * server fault), but one thrown from `didResolveOperation` as the request's answer. So the
 * verdict is reached in `didResolveSource`, where a refused operation's document is replaced by a
 * trivial one (Apollo then skips its own parse and validation, and caches nothing), and thrown
 * in `didResolveOperation`, before any execution.
 *
 * The checks run on every request: the cost depends on the variables (`first: $n`). The parse is
 * bounded by the token limit checked just before it, and done once per operation text: an
 * operation within the limits is validated once too (validated-documents.ts) and handed to Apollo
 * as its document, so Apollo neither parses nor validates it again (Apollo's own document cache
 * stays off: its lookup would replace a refused operation's stand-in document).
 */
export function operationLimitsPlugin(limits: OperationLimits, hooks: OperationLimitsHooks = {}): ApolloServerPlugin {
  const documents = createValidatedDocuments({ maxTokens: limits.maxTokens, introspection: hooks.introspection ?? false });
  return {
    async requestDidStart() {
      let refusal: GraphQLError | undefined;
      return {
        async didResolveSource(requestContext) {
          const { schema, source } = requestContext;
          const checked = checkParsedOperation(schema, source, limits, requestContext.request.variables, (text) => documents.parse(schema, text));
          refusal = checked.refusal;
          const target = requestContext as { document?: DocumentNode };
          if (refusal) {
            target.document = REFUSED;
            return;
          }
          if (!checked.document) return;
          // Validated only once the limits passed: the validation rules are what the limits protect.
          const validated = documents.validated(schema, source, checked.document);
          if (validated) target.document = validated;
        },
        async didResolveOperation() {
          if (!refusal) return;
          // Counted where the refusal becomes the answer, once per refused operation.
          hooks.onRefused?.(String(refusal.extensions['limit']));
          throw refusal;
        },
      };
    },
  };
}
