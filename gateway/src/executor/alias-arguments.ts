import { Kind, visit, type DocumentNode, type FieldNode } from 'graphql';

/**
 * Apollo's query planner merges a client's field with a field of the same name that a
 * `@requires` (or a key) needs, even when their arguments differ: the client asks
 * `comments(limit: 1)`, a requirement needs `comments(limit: 3)`, and one of them is lost. So
 * before planning, every field with arguments is given an alias of the executor's own
 * (`_t_<response name>`): the planner then fetches the client's field and the requirement under
 * different names, and the response shaping reads the client's field from that alias (see
 * `inputKey`). Fields without arguments and introspection fields stay as they are.
 */
export const PLANNING_ALIAS_PREFIX = '_t_';

export interface PlanningDocument {
  /** The document handed to the planner. */
  document: DocumentNode;
  /** Where the shaping reads a field of the client's document. */
  inputKey(field: FieldNode, responseName: string): string;
  /** Whether fields were aliased (subgraph error paths then name the aliases: see clientPathSegment). */
  aliased: boolean;
}

/** A subgraph error's path segment as the client knows it (the alias taken off). */
export function clientPathSegment(segment: string | number): string | number {
  return typeof segment === 'string' && segment.startsWith(PLANNING_ALIAS_PREFIX) ? segment.slice(PLANNING_ALIAS_PREFIX.length) : segment;
}

const sameKey = (_field: FieldNode, responseName: string) => responseName;

export function aliasFieldsWithArguments(document: DocumentNode): PlanningDocument {
  let clashes = false;
  let needed = false;
  visit(document, {
    Field(node) {
      if ((node.alias?.value ?? node.name.value).startsWith(PLANNING_ALIAS_PREFIX)) clashes = true;
      if (aliased(node)) needed = true;
    },
  });
  // A client already using names like ours keeps Apollo's behaviour rather than a collision.
  if (clashes || !needed) return { document, inputKey: sameKey, aliased: false };
  const rewritten = visit(document, {
    Field(node) {
      if (!aliased(node)) return undefined;
      return { ...node, alias: { kind: Kind.NAME, value: PLANNING_ALIAS_PREFIX + (node.alias?.value ?? node.name.value) } };
    },
  });
  return { document: rewritten, inputKey: (field, responseName) => (aliased(field) ? PLANNING_ALIAS_PREFIX + responseName : responseName), aliased: true };
}

function aliased(field: FieldNode): boolean {
  return (field.arguments?.length ?? 0) > 0 && !field.name.value.startsWith('__');
}
