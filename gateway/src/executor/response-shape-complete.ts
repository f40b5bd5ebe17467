import type { GraphQLFormattedError } from 'graphql';
import {
  BOOLEAN,
  COMPOSITE,
  ENUM,
  FLOAT,
  ID,
  INT,
  INTROSPECTION,
  LEAF,
  STRING,
  TYPENAME,
  type FieldPlan,
  type ObjectPlan,
  type OutputShape,
} from './response-shape-plan.ts';

/**
 * The per-request walk of the response shaper: copies the merged subgraph data into the client's
 * `data` along precompiled plans, checking leaves and propagating nulls as graphql-js's
 * completeValue does. It runs on every request, so: plain loops, no closure per value, the
 * response path kept in one array and copied only when an error needs it.
 */

/** "This value is null because of an error already accounted for": the nearest nullable position becomes null. */
export const ERRORED: unique symbol = Symbol('errored');

export interface Walk {
  readonly errors: GraphQLFormattedError[];
  readonly path: (string | number)[];
  /** The data of the root's `__schema` / `__type` fields, executed by graphql-js beforehand. */
  readonly introspected: Readonly<Record<string, unknown>> | null;
}

type Json = Record<string, unknown>;

export function completeObject(walk: Walk, input: Json, plan: ObjectPlan): Json | typeof ERRORED {
  const output: Json = {};
  const fields = plan.fields;
  const path = walk.path;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const key = field.responseName;
    let value: unknown;
    // The runtime type's name; at the root always the API schema's root type, never a subgraph's
    // (subgraphs may name their root types differently, which is why the planner does not ask).
    if (field.kind === TYPENAME) value = plan.typeName;
    else if (field.kind === INTROSPECTION) value = walk.introspected?.[key] ?? null;
    else {
      path.push(key);
      // Stops at the first null that reaches this object, like graphql-js (it would not run the
      // remaining fields): this object is discarded anyway.
      const inputKey = field.inputKey;
      value = completeValue(walk, field.shape!, field.unsafeKey ? ownValue(input, inputKey) : input[inputKey], field);
      path.pop();
      if (value === ERRORED) return ERRORED;
    }
    if (field.unsafeKey) Object.defineProperty(output, key, { value, enumerable: true, writable: true, configurable: true });
    else output[key] = value;
  }
  return output;
}

function completeValue(walk: Walk, shape: OutputShape, value: unknown, field: FieldPlan): unknown {
  // A missing field (its fetch failed) is a null.
  if (value === null || value === undefined) {
    if (shape.nonNull) {
      nullInNonNull(walk, shape, field);
      return ERRORED;
    }
    return null;
  }
  const completed = shape.kind === LEAF ? completeLeaf(walk, shape, value, field) : shape.kind === COMPOSITE ? completeComposite(walk, shape, value, field) : completeList(walk, shape, value, field);
  return completed === ERRORED && !shape.nonNull ? null : completed;
}

function completeList(walk: Walk, shape: OutputShape, value: unknown, field: FieldPlan): unknown {
  if (!Array.isArray(value)) return invalid(walk, 'Invalid value found for', shape, field);
  const item = shape.item!;
  const path = walk.path;
  const output = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    path.push(i);
    const completed = completeValue(walk, item, value[i], field);
    path.pop();
    // Like graphql-js, the first element that nulls the list ends it.
    if (completed === ERRORED) return ERRORED;
    output[i] = completed;
  }
  return output;
}

function completeComposite(walk: Walk, shape: OutputShape, value: unknown, field: FieldPlan): unknown {
  if (typeof value !== 'object' || Array.isArray(value)) return invalid(walk, 'Invalid value found for', shape, field);
  const input = value as Json;
  const info = shape.composite!;
  const builder = field.builder;
  let runtime = info.type;
  const typename = input['__typename'];
  // An empty __typename says nothing (Apollo ignores it too).
  if (typename !== undefined && typename !== null && typename !== '') {
    const resolved = typeof typename === 'string' ? builder.context.runtimeType(info, typename) : null;
    // The API schema does not know it (e.g. @inaccessible) or it is not a subtype here: the
    // message names only API-schema types, never the subgraph's typename.
    if (!resolved) return invalid(walk, 'Invalid __typename found for object at', shape, field);
    runtime = resolved;
  }
  const plan = field.lastRuntime === runtime ? field.lastPlan! : builder.subPlan(field, runtime);
  // An abstract type cannot answer __typename (an @interfaceObject's type whose follow-up fetch
  // failed): Apollo nulls the object; an error is added unless one already explains it.
  if (plan.selectsTypename && !plan.isObject) {
    if (!explained(walk.errors, walk.path)) invalid(walk, 'Invalid __typename found for object at', shape, field);
    return ERRORED;
  }
  return completeObject(walk, input, plan);
}

function completeLeaf(walk: Walk, shape: OutputShape, value: unknown, field: FieldPlan): unknown {
  return validLeaf(shape, value) ? value : invalid(walk, 'Invalid value found for', shape, field);
}

/** Apollo's isValidLeafValue. */
function validLeaf(shape: OutputShape, value: unknown): boolean {
  switch (shape.leaf) {
    case INT: return Number.isInteger(value);
    case FLOAT: return typeof value === 'number' && Number.isFinite(value);
    case STRING: return typeof value === 'string';
    case ID: return typeof value === 'string' || Number.isInteger(value);
    case BOOLEAN: return typeof value === 'boolean';
    case ENUM: return typeof value === 'string' && shape.enumValues!.has(value);
    default: return true;
  }
}

function invalid(walk: Walk, what: string, shape: OutputShape, field: FieldPlan): typeof ERRORED {
  addError(walk, `${what} ${position(walk, shape, field)}.`);
  return ERRORED;
}

function nullInNonNull(walk: Walk, shape: OutputShape, field: FieldPlan): void {
  // A subgraph error at or below this path already explains the null.
  if (explained(walk.errors, walk.path)) return;
  addError(walk, `Cannot return null for non-nullable ${position(walk, shape, field)}.`);
}

/** "field Product.price" or "array element of type Item at index 3", as Apollo and graphql-js word it. */
function position(walk: Walk, shape: OutputShape, field: FieldPlan): string {
  const last = walk.path[walk.path.length - 1];
  return typeof last === 'number' ? `array element of type ${shape.label} at index ${last}` : `field ${field.parentTypeName}.${field.fieldName}`;
}

function addError(walk: Walk, message: string): void {
  walk.errors.push({ message, path: walk.path.slice(), extensions: { code: 'INVALID_GRAPHQL' } });
}

function explained(errors: readonly GraphQLFormattedError[], path: readonly (string | number)[]): boolean {
  for (const error of errors) {
    const at = error.path;
    if (!at || at.length < path.length) continue;
    let i = 0;
    while (i < path.length && at[i] === path[i]) i++;
    if (i === path.length) return true;
  }
  return false;
}

function ownValue(input: Json, key: string): unknown {
  return Object.hasOwn(input, key) ? input[key] : undefined;
}
