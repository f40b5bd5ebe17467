import type { GraphQLError } from 'graphql';
import { operationLimitError } from './limit-error.ts';

/**
 * The cheapest check, first: the source's UTF-8 size. A 634 KB alias bomb is refused here
 * before a single token is read.
 */
export function checkQuerySize(source: string, maxBytes: number): GraphQLError | undefined {
  // The UTF-16 length bounds the UTF-8 size from below (and from above by 3x): most sources are decided without encoding.
  if (source.length > maxBytes) return operationLimitError('size', maxBytes);
  if (source.length * 3 <= maxBytes) return undefined;
  const bytes = Buffer.byteLength(source, 'utf8');
  return bytes > maxBytes ? operationLimitError('size', maxBytes, bytes) : undefined;
}
