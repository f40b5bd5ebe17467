import type { FetchNode } from '@apollo/query-planner';
import type { CompiledPlan, StepNode } from './compiled-plan.ts';
import { applyFetchResponse, fetchVariables, prepareFetch, type ExecutionState, type PreparedFetch } from './fetch-step.ts';
import type { MergedFetch } from './merge-fetches.ts';
import { objectsAtPath, rootLocation, type Located } from './response-path.ts';
import type { JsonObject } from './result-tree.ts';
import { requestFailedError } from './subgraph-errors.ts';
import type { SubgraphRequest, SubgraphResponse } from './types.ts';

export interface RunDeps {
  /** Sends one request; `shareable` when it may share an identical one in flight. */
  send(serviceName: string, request: SubgraphRequest, shareable: boolean): Promise<SubgraphResponse>;
  /** Whether the client's operation is a query (only a query's fetches may be shared). */
  operationIsQuery: boolean;
  /** The value of a Condition node's variable (the client's, or the operation's default). */
  condition(variable: string): boolean;
}

/** Runs a compiled plan into `state.tree`; fetch failures become errors, never exceptions. */
export async function runPlan(plan: CompiledPlan, state: ExecutionState, deps: RunDeps): Promise<void> {
  if (plan.root) await runNode(plan.root, [rootLocation(state.tree.root)], state, deps);
}

async function runNode(node: StepNode, from: readonly Located[], state: ExecutionState, deps: RunDeps): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await runNode(child, from, state, deps);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => runNode(child, from, state, deps)));
      return;
    case 'Flatten':
      return runNode(node.node, objectsAtPath(state.tree, from, node.path), state, deps);
    case 'Condition': {
      const branch = deps.condition(node.variable) ? node.ifClause : node.elseClause;
      if (branch) await runNode(branch, from, state, deps);
      return;
    }
    case 'Fetch':
      return runFetch(node.fetch, node, from, state, deps);
    case 'MergedFetch':
      return runMergedFetch(node.merged, from, state, deps);
  }
}

async function runFetch(fetch: FetchNode, node: Extract<StepNode, { kind: 'Fetch' }>, from: readonly Located[], state: ExecutionState, deps: RunDeps): Promise<void> {
  const prepared = prepareFetch(state, fetch, node.path, from);
  if (prepared) await sendPrepared(prepared, state, deps);
}

async function sendPrepared(prepared: PreparedFetch, state: ExecutionState, deps: RunDeps): Promise<void> {
  const { fetch } = prepared;
  const variables = fetchVariables(state, fetch.variableUsages);
  if (prepared.representations) variables['representations'] = prepared.representations;
  try {
    const response = await deps.send(fetch.serviceName, { query: fetch.operation, variables, operationName: fetch.operationName }, shareable(fetch, deps));
    applyFetchResponse(state, prepared, response.data as JsonObject | null | undefined, response.errors);
  } catch (error) {
    state.errors.push(requestFailedError(error, fetch.serviceName));
  }
}

/**
 * One request for several fetches: each part's representations go in its own variable (an empty
 * list when it has nothing to ask this time), the answer is split back by the root aliases, and
 * each part is merged as if it had been fetched alone. A request that fails fails every part.
 *
 * An error in one part's non-null root field (`_entities` is `[_Entity]!`) nulls the whole merged
 * answer, which alone would have cost only that part: then each part is sent again on its own, so
 * a merged request never answers worse than separate ones would have (queries only, safe to repeat).
 */
async function runMergedFetch(merged: MergedFetch, from: readonly Located[], state: ExecutionState, deps: RunDeps): Promise<void> {
  const prepared = merged.parts.map((part) => prepareFetch(state, part.fetch, part.path, from));
  if (prepared.every((p) => p === undefined)) return;
  const variables = fetchVariables(state, merged.variableUsages);
  merged.parts.forEach((part, i) => {
    if (part.fetch.requires) variables[part.representationsVariable] = prepared[i]?.representations ?? [];
  });
  let response: SubgraphResponse;
  try {
    response = await deps.send(merged.serviceName, { query: merged.operation, variables, operationName: merged.operationName }, shareable(merged.parts[0]!.fetch, deps));
  } catch (error) {
    for (const p of prepared) if (p) state.errors.push(requestFailedError(error, merged.serviceName));
    return;
  }
  // Worth it only when several parts asked something: a lone part would just be sent again as it was.
  if (!response.data && response.errors?.length && prepared.filter(Boolean).length > 1) {
    await Promise.all(prepared.map((one) => (one ? sendPrepared(one, state, deps) : undefined)));
    return;
  }
  merged.parts.forEach((part, i) => {
    const one = prepared[i];
    if (!one) return;
    try {
      applyPart(state, one, part.rootFields, response);
    } catch (error) {
      state.errors.push(requestFailedError(error, merged.serviceName));
    }
  });
}

function applyPart(state: ExecutionState, prepared: PreparedFetch, rootFields: Map<string, string>, response: SubgraphResponse): void {
  let data: JsonObject | null | undefined = response.data === null ? null : undefined;
  if (response.data) {
    data = {};
    for (const [alias, name] of rootFields) if (alias in response.data) data[name] = response.data[alias];
  }
  const errors = (response.errors ?? []).flatMap((error) => {
    const head = error.path?.[0];
    // A pathless error concerns the whole request, hence every part (as separate fetches would each have had it).
    if (head === undefined) return [error];
    const name = typeof head === 'string' ? rootFields.get(head) : undefined;
    return name === undefined ? [] : [{ ...error, path: [name, ...error.path!.slice(1)] }];
  });
  applyFetchResponse(state, prepared, data, errors);
}

function shareable(fetch: FetchNode, deps: RunDeps): boolean {
  return deps.operationIsQuery && fetch.operationKind === 'query';
}
