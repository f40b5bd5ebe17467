import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import { operationLimitError } from './limit-error.ts';

/**
 * Counts the source's tokens (comments excluded, as graphql-js `maxTokens` does) and stops at
 * the first one past the limit, so the work is bounded by the limit, not by the source. Lexing
 * builds no AST: a 330k-field query costs this check a few thousand tokens, not 200 MB.
 *
 * A source that does not lex is left to the parser, which reports the syntax error properly.
 */
export function checkTokenCount(source: string, maxTokens: number): GraphQLError | undefined {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count += 1;
      if (count > maxTokens) return operationLimitError('tokens', maxTokens);
    }
  } catch (error) {
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
  return undefined;
}
