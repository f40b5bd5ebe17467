import { ResultTree, type JsonObject } from './result-tree.ts';

/** A plan path: field names, '@' for "every element of this list". */
export type PlanPath = readonly (string | number)[];

/**
 * One object reached by a plan path. Where it sits in the response is kept as a link to its
 * parent, and spelled out only when an error needs it (most requests have none).
 */
export interface Located {
  object: JsonObject;
  parent: Located | undefined;
  /** The key (field or index steps) from the parent to this object. */
  steps: readonly (string | number)[];
}

export function rootLocation(root: JsonObject): Located {
  return { object: root, parent: undefined, steps: [] };
}

/** The response path of a located object, e.g. ['users', 0, 'reviews', 2]. */
export function responsePath(located: Located): (string | number)[] {
  const chunks: (readonly (string | number)[])[] = [];
  for (let at: Located | undefined = located; at; at = at.parent) chunks.push(at.steps);
  return chunks.reverse().flat();
}

/**
 * Every object at `path` below the given objects, made writable along the way (an entity fetch
 * merges into each of them). Nulls and missing values are skipped, as Apollo's flattening does.
 */
export function objectsAtPath(tree: ResultTree, from: readonly Located[], path: PlanPath): Located[] {
  let current: readonly Located[] = from;
  for (const segment of path) {
    // A list is expanded (every nesting level) with the field that holds it; its '@' adds nothing.
    if (segment === '@') continue;
    const next: Located[] = [];
    const key = String(segment);
    for (const located of current) descend(tree, located, key, next);
    current = next;
  }
  return current as Located[];
}

function descend(tree: ResultTree, from: Located, key: string, into: Located[]): void {
  const value = from.object[key];
  if (value === null || typeof value !== 'object') return;
  const writable = tree.writable(from.object, key, value as JsonObject | unknown[]);
  if (Array.isArray(writable)) expandList(tree, writable, from, [key], into);
  else into.push({ object: writable, parent: from, steps: [key] });
}

function expandList(tree: ResultTree, list: unknown[], parent: Located, steps: (string | number)[], into: Located[]): void {
  for (let i = 0; i < list.length; i++) {
    const element = list[i];
    if (element === null || typeof element !== 'object') continue;
    const writable = tree.writable(list, i, element as JsonObject | unknown[]);
    if (Array.isArray(writable)) expandList(tree, writable, parent, [...steps, i], into);
    else into.push({ object: writable, parent, steps: [...steps, i] });
  }
}
