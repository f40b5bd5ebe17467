import type { FetchNode } from '@apollo/query-planner';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { clientPathSegment } from './alias-arguments.ts';
import { applyRewrites, representationOf } from './representations.ts';
import { objectsAtPath, responsePath, type Located, type PlanPath } from './response-path.ts';
import { ResultTree, type JsonObject } from './result-tree.ts';
import { downstreamError } from './subgraph-errors.ts';
import type { TypeRelations } from './type-relations.ts';

/** What one execution shares with all its fetches. */
export interface ExecutionState {
  tree: ResultTree;
  types: TypeRelations;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  /** Subgraph error paths name the executor's planning aliases when it used some: they are taken off. */
  aliased: boolean;
}

/**
 * One fetch, ready to send: the objects it merges into and, for an entity fetch, the distinct
 * representations (an entity reached along several paths is asked for once).
 */
export interface PreparedFetch {
  fetch: FetchNode;
  path: PlanPath;
  targets: Located[];
  /** Distinct representations; undefined for a fetch of root fields. */
  representations: JsonObject[] | undefined;
  /** For each target, the index of its representation (-1: none, the target is not sent). */
  representationOf: number[];
}

export function prepareFetch(state: ExecutionState, fetch: FetchNode, path: PlanPath, from: readonly Located[]): PreparedFetch | undefined {
  const targets = objectsAtPath(state.tree, from, path);
  if (targets.length === 0) return undefined;
  if (!fetch.requires) return { fetch, path, targets, representations: undefined, representationOf: [] };
  const representations: JsonObject[] = [];
  const indexByKey = new Map<string, number>();
  const indexes = targets.map(({ object }) => {
    const representation = representationOf(state.types, object, fetch.requires!);
    if (!representation || !representation['__typename']) return -1;
    applyRewrites(state.types, fetch.inputRewrites, representation);
    const key = JSON.stringify(representation);
    let index = indexByKey.get(key);
    if (index === undefined) {
      index = representations.push(representation) - 1;
      indexByKey.set(key, index);
    }
    return index;
  });
  if (representations.length === 0) return undefined;
  return { fetch, path, targets, representations, representationOf: indexes };
}

/** The fetch's variables: the client variables it uses (as sent, like Apollo), and its representations. */
export function fetchVariables(state: ExecutionState, variableUsages: readonly string[] | undefined): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const name of variableUsages ?? []) {
    if (Object.hasOwn(state.variables, name) && state.variables[name] !== undefined) variables[name] = state.variables[name];
  }
  return variables;
}

/** Merges a fetch's answer into the tree and records its errors with client paths. */
export function applyFetchResponse(state: ExecutionState, prepared: PreparedFetch, data: JsonObject | null | undefined, errors: readonly GraphQLFormattedError[] | undefined): void {
  const { fetch } = prepared;
  for (const error of errors ?? []) {
    for (const path of clientPaths(prepared, error.path)) state.errors.push(downstreamError(error, fetch.serviceName, path && state.aliased ? path.map(clientPathSegment) : path));
  }
  if (!data) return;
  if (!prepared.representations) {
    const received = fetch.outputRewrites ? rewritten(state, data, fetch, undefined) : data;
    for (const target of prepared.targets) state.tree.merge(target.object, received);
    return;
  }
  const entities = data['_entities'];
  if (!Array.isArray(entities)) throw new Error('Expected "data._entities" in response to be an array');
  if (entities.length !== prepared.representations.length) throw new Error(`Expected "data._entities" to contain ${prepared.representations.length} elements`);
  prepared.targets.forEach((target, i) => {
    const index = prepared.representationOf[i]!;
    if (index < 0) return;
    const entity = entities[index];
    if (!ResultTree.isObject(entity)) return;
    state.tree.merge(target.object, fetch.outputRewrites ? rewritten(state, entity, fetch, target.object['__typename']) : entity);
  });
}

/** Output rewrites change what they apply to: they get this execution's own copy of the answer. */
function rewritten(state: ExecutionState, value: JsonObject, fetch: FetchNode, typename: unknown): JsonObject {
  const copy = structuredClone(value);
  if (copy['__typename'] === undefined && typename !== undefined) copy['__typename'] = typename;
  applyRewrites(state.types, fetch.outputRewrites, copy);
  return copy;
}

/**
 * A subgraph error's paths in the client's response: for an entity fetch, `_entities.<i>.rest`
 * becomes the path of each object that representation stands for (several when deduplicated:
 * each gets the error, as each would have had its own request); for root fields, the path is
 * relative to where the fetch merges.
 */
function clientPaths(prepared: PreparedFetch, path: readonly (string | number)[] | undefined): ((string | number)[] | undefined)[] {
  if (!path) return [undefined];
  const index = path[1];
  if (prepared.representations && typeof index === 'number') {
    const rest = path.slice(2);
    const paths = prepared.targets.filter((_, i) => prepared.representationOf[i] === index).map((target) => [...responsePath(target), ...rest]);
    return paths.length > 0 ? paths : [rest];
  }
  if (prepared.representations) {
    // An error naming no entity (the whole `_entities` failed) concerns every target: its path is
    // where they are, up to the first list (a response path has no "every element" marker).
    const where = prepared.targets[0] ? responsePath(prepared.targets[0]) : [];
    const firstIndex = where.findIndex((segment) => typeof segment === 'number');
    return [firstIndex < 0 ? where : where.slice(0, firstIndex)];
  }
  const base = prepared.targets[0] ? responsePath(prepared.targets[0]) : [];
  return [[...base, ...path]];
}
