import type { FetchNode } from '@apollo/query-planner';
import { Kind, parse, print, visit, type DocumentNode, type FieldNode, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';
import type { PlanPath } from './response-path.ts';

/** One of the fetches a merged request stands for. */
export interface MergedPart {
  fetch: FetchNode;
  path: PlanPath;
  /** The variable that carries this part's representations in the merged request. */
  representationsVariable: string;
  /** Merged root response name → this part's own response name. */
  rootFields: Map<string, string>;
}

/** Several fetches to one subgraph at the same point of a plan, sent as one request. */
export interface MergedFetch {
  serviceName: string;
  operation: string;
  operationName: string;
  parts: MergedPart[];
  /** Every client variable any part uses. */
  variableUsages: string[];
}

const REPRESENTATIONS = 'representations';

/**
 * Merges fetches into one operation: each part's root fields get an alias with the part's
 * prefix, its `$representations` becomes `$representations_<i>`, its fragments get the prefix too
 * (the planner names fragments per fetch, so two parts may both define `_generated_onProduct2_0`).
 * Client variables keep their names: every part means the same value by them.
 */
export function mergeFetches(parts: { fetch: FetchNode; path: PlanPath }[]): MergedFetch {
  const first = parts[0]!.fetch;
  const variableDefinitions = new Map<string, VariableDefinitionNode>();
  const selections: FieldNode[] = [];
  const fragments: DocumentNode['definitions'][number][] = [];
  const merged: MergedPart[] = parts.map(({ fetch, path }, i) => {
    const prefix = `_${i}_`;
    const representationsVariable = `${REPRESENTATIONS}_${i}`;
    const renamed = renameForPart(documentOf(fetch), prefix, representationsVariable);
    const operation = renamed.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    for (const definition of operation.variableDefinitions ?? []) variableDefinitions.set(definition.variable.name.value, definition);
    const rootFields = new Map<string, string>();
    for (const selection of operation.selectionSet.selections) {
      const field = selection as FieldNode;
      const responseName = field.alias?.value ?? field.name.value;
      rootFields.set(prefix + responseName, responseName);
      selections.push({ ...field, alias: { kind: Kind.NAME, value: prefix + responseName } });
    }
    fragments.push(...renamed.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION));
    return { fetch, path, representationsVariable, rootFields };
  });
  const operationName = `${first.operationName ?? first.serviceName}__merged`;
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: first.operationKind,
        name: { kind: Kind.NAME, value: operationName },
        variableDefinitions: [...variableDefinitions.values()],
        selectionSet: { kind: Kind.SELECTION_SET, selections },
      },
      ...fragments,
    ],
  };
  return {
    serviceName: first.serviceName,
    operation: print(document),
    operationName,
    parts: merged,
    variableUsages: [...new Set(parts.flatMap(({ fetch }) => fetch.variableUsages ?? []))],
  };
}

/**
 * Whether a fetch can be part of a merged request: a query (a mutation's fetches keep their
 * order and stay alone) whose root selections are plain fields (what can be aliased), without
 * @defer or @fromContext rewrites.
 */
mergeFetches.canTakePart = (fetch: FetchNode): boolean => {
  if (fetch.operationKind !== 'query' || fetch.hasDefers || fetch.contextRewrites?.length) return false;
  const operation = documentOf(fetch).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return !!operation && (operation.directives?.length ?? 0) === 0 && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD);
};

function documentOf(fetch: FetchNode): DocumentNode {
  return fetch.operationDocumentNode ?? parse(fetch.operation);
}

function renameForPart(document: DocumentNode, prefix: string, representationsVariable: string): DocumentNode {
  return visit(document, {
    Variable: (node) => (node.name.value === REPRESENTATIONS ? { ...node, name: { ...node.name, value: representationsVariable } } : undefined),
    FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
  });
}
