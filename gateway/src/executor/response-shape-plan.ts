import {
  isAbstractType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/**
 * What the response shaper knows about one operation before any data arrives: the fields each
 * (selection set, runtime type) collects, with their output types resolved, built lazily and kept
 * so that a request only walks data (see response-shape-complete.ts for the walk).
 */

/** The values of the variables that @skip/@include read; plans built under them are valid only for them. */
export type Conditions = Readonly<Record<string, boolean>>;

export const LEAF = 0;
export const LIST = 1;
export const COMPOSITE = 2;

// How a leaf value is checked (Apollo's isValidLeafValue, without a schema lookup per value).
export const ANY_SCALAR = 0;
export const INT = 1;
export const FLOAT = 2;
export const STRING = 3;
export const ID = 4;
export const BOOLEAN = 5;
export const ENUM = 6;

/** An output type flattened for the walk: one node per wrapping level, no graphql-js calls needed. */
export interface OutputShape {
  readonly nonNull: boolean;
  readonly kind: typeof LEAF | typeof LIST | typeof COMPOSITE;
  readonly item: OutputShape | null;
  readonly leaf: number;
  readonly enumValues: ReadonlySet<string> | null;
  readonly composite: CompositeInfo | null;
  /** The nullable type as the client's schema spells it, for error messages ("[Int]", "Item"). */
  readonly label: string;
}

export interface CompositeInfo {
  readonly type: GraphQLCompositeType;
  /** __typename → runtime type (null: not acceptable here), filled as names are met; only schema names are kept. */
  readonly runtimeByTypename: Map<string, GraphQLCompositeType | null>;
}

export const FIELD = 0;
export const TYPENAME = 1;
export const INTROSPECTION = 2;

export interface FieldPlan {
  readonly responseName: string;
  /** Where the field's value is in the merged subgraph data (the response name, unless the executor aliased the field for planning). */
  readonly inputKey: string;
  readonly fieldName: string;
  /** The runtime type owning the field, as graphql-js names it in "Cannot return null for …" */
  readonly parentTypeName: string;
  readonly kind: typeof FIELD | typeof TYPENAME | typeof INTROSPECTION;
  readonly shape: OutputShape | null;
  /** The merged sub-selections of every field node with this response name. */
  readonly selectionSets: readonly SelectionSetNode[];
  /** A response name that Object.prototype also has (`constructor`, `__proto__`): read and written the slow, own-property way. */
  readonly unsafeKey: boolean;
  readonly builder: PlanBuilder;
  // The sub-plan per runtime type, with the last one used at hand (most fields are monomorphic).
  lastRuntime: GraphQLCompositeType | null;
  lastPlan: ObjectPlan | null;
  plans: Map<GraphQLCompositeType, ObjectPlan> | null;
}

export interface ObjectPlan {
  readonly typeName: string;
  readonly isObject: boolean;
  readonly fields: readonly FieldPlan[];
  /** __typename is asked for: an abstract runtime type cannot answer it, so the object must become null. */
  readonly selectsTypename: boolean;
  /** The `__schema` / `__type` field nodes (root only), executed by graphql-js. */
  readonly introspection: readonly FieldNode[];
  /** Whether the plan has a field the subgraphs answer (an operation of only introspection/__typename has none). */
  readonly hasDataFields: boolean;
}

/** Per schema and operation: what does not depend on the variables. */
export class PlanContext {
  private readonly shapes = new Map<GraphQLOutputType, OutputShape>();
  private readonly composites = new Map<GraphQLCompositeType, CompositeInfo>();

  constructor(
    readonly schema: GraphQLSchema,
    readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    /** The data key of a field (see ShapeOptions.inputKey). */
    readonly inputKey: (field: FieldNode, responseName: string) => string = (_field, responseName) => responseName,
  ) {}

  outputShape(type: GraphQLOutputType): OutputShape {
    let shape = this.shapes.get(type);
    if (!shape) {
      shape = this.buildShape(type);
      this.shapes.set(type, shape);
    }
    return shape;
  }

  private buildShape(type: GraphQLOutputType): OutputShape {
    const nonNull = isNonNullType(type);
    const inner = nonNull ? type.ofType : type;
    const base = { nonNull, label: String(inner), item: null, leaf: ANY_SCALAR, enumValues: null, composite: null };
    if (isListType(inner)) return { ...base, kind: LIST, item: this.outputShape(inner.ofType) };
    if (isObjectType(inner) || isAbstractType(inner)) return { ...base, kind: COMPOSITE, composite: this.compositeInfo(inner) };
    if (isEnumType(inner)) return { ...base, kind: LEAF, leaf: ENUM, enumValues: new Set(inner.getValues().map((value) => value.name)) };
    return { ...base, kind: LEAF, leaf: scalarCheck(inner.name) };
  }

  private compositeInfo(type: GraphQLCompositeType): CompositeInfo {
    let info = this.composites.get(type);
    if (!info) {
      info = { type, runtimeByTypename: new Map() };
      this.composites.set(type, info);
    }
    return info;
  }

  /**
   * The type an object with this __typename is shaped as, or null when the name is not acceptable
   * at a position of static type `info.type` (unknown to the API schema, e.g. @inaccessible, or not
   * a subtype of it). A concrete static type keeps itself, as graphql-js ignores __typename there.
   */
  runtimeType(info: CompositeInfo, typename: string): GraphQLCompositeType | null {
    const known = info.runtimeByTypename.get(typename);
    if (known !== undefined) return known;
    const named = this.schema.getType(typename);
    if (!named) return null; // not remembered: a subgraph could send any number of names
    const staticType = info.type;
    let runtime: GraphQLCompositeType | null = null;
    if (isObjectType(named) || isAbstractType(named)) {
      if (!isAbstractType(staticType)) runtime = staticType;
      else if (named === staticType || ((isObjectType(named) || isInterfaceType(named)) && this.schema.isSubType(staticType, named))) runtime = named;
    }
    info.runtimeByTypename.set(typename, runtime);
    return runtime;
  }
}

function scalarCheck(name: string): number {
  switch (name) {
    case 'Int': return INT;
    case 'Float': return FLOAT;
    case 'String': return STRING;
    case 'ID': return ID;
    case 'Boolean': return BOOLEAN;
    default: return ANY_SCALAR; // a custom scalar may hold anything
  }
}

/** Builds the plans of one combination of @skip/@include values. */
export class PlanBuilder {
  readonly root: ObjectPlan;

  constructor(
    readonly context: PlanContext,
    private readonly conditions: Conditions,
    rootType: GraphQLCompositeType,
    rootSelection: SelectionSetNode,
  ) {
    this.root = this.objectPlan(rootType, [rootSelection], true);
  }

  /** The plan for an object of `runtime` type under `field`, built on first use and kept on the field. */
  subPlan(field: FieldPlan, runtime: GraphQLCompositeType): ObjectPlan {
    let plan = field.plans?.get(runtime);
    if (!plan) {
      plan = this.objectPlan(runtime, field.selectionSets, false);
      (field.plans ??= new Map()).set(runtime, plan);
    }
    field.lastRuntime = runtime;
    field.lastPlan = plan;
    return plan;
  }

  private objectPlan(runtime: GraphQLCompositeType, selectionSets: readonly SelectionSetNode[], isRoot: boolean): ObjectPlan {
    const grouped = new Map<string, FieldNode[]>();
    const visitedFragments = new Set<string>();
    for (const selectionSet of selectionSets) this.collectFields(runtime, selectionSet, grouped, visitedFragments);

    const fields: FieldPlan[] = [];
    const introspection: FieldNode[] = [];
    const definitions = isObjectType(runtime) || isInterfaceType(runtime) ? runtime.getFields() : {};
    for (const [responseName, nodes] of grouped) {
      const fieldName = nodes[0]!.name.value;
      let kind: FieldPlan['kind'] = FIELD;
      let shape: OutputShape | null = null;
      if (fieldName === '__typename') kind = TYPENAME;
      else if (isRoot && (fieldName === '__schema' || fieldName === '__type')) {
        kind = INTROSPECTION;
        introspection.push(...nodes);
      } else {
        const definition = Object.hasOwn(definitions, fieldName) ? definitions[fieldName] : undefined;
        // Not a field of this type: a valid document never gets here; graphql-js skips it too.
        if (!definition) continue;
        shape = this.context.outputShape(definition.type);
      }
      const inputKey = this.context.inputKey(nodes[0]!, responseName);
      fields.push({
        responseName,
        inputKey,
        fieldName,
        parentTypeName: runtime.name,
        kind,
        shape,
        selectionSets: nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : [])),
        unsafeKey: responseName in Object.prototype || inputKey in Object.prototype,
        builder: this,
        lastRuntime: null,
        lastPlan: null,
        plans: null,
      });
    }
    return {
      typeName: runtime.name,
      isObject: isObjectType(runtime),
      fields,
      selectsTypename: fields.some((field) => field.kind === TYPENAME),
      introspection,
      hasDataFields: fields.some((field) => field.kind === FIELD),
    };
  }

  /** The spec's CollectFields: response names in order of first appearance, their field nodes merged. */
  private collectFields(runtime: GraphQLCompositeType, selectionSet: SelectionSetNode, into: Map<string, FieldNode[]>, visitedFragments: Set<string>): void {
    for (const selection of selectionSet.selections) {
      if (!this.included(selection.directives)) continue;
      switch (selection.kind) {
        case Kind.FIELD: {
          const responseName = selection.alias?.value ?? selection.name.value;
          const nodes = into.get(responseName);
          if (nodes) nodes.push(selection);
          else into.set(responseName, [selection]);
          break;
        }
        case Kind.INLINE_FRAGMENT:
          if (this.conditionApplies(selection.typeCondition?.name.value, runtime)) this.collectFields(runtime, selection.selectionSet, into, visitedFragments);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          if (visitedFragments.has(name)) continue;
          visitedFragments.add(name);
          const fragment = this.context.fragments.get(name);
          if (fragment && this.conditionApplies(fragment.typeCondition.name.value, runtime)) this.collectFields(runtime, fragment.selectionSet, into, visitedFragments);
          break;
        }
      }
    }
  }

  /**
   * graphql-js's doesFragmentConditionMatch, which is also Apollo's typeConditionApplies: the
   * runtime type is the condition or one of its subtypes. For an abstract runtime type (no
   * __typename in the data) that means only conditions that are supertypes of it apply.
   */
  private conditionApplies(condition: string | undefined, runtime: GraphQLCompositeType): boolean {
    if (condition === undefined || condition === runtime.name) return true;
    const type = this.context.schema.getType(condition);
    return !!type && isAbstractType(type) && (isObjectType(runtime) || isInterfaceType(runtime)) && this.context.schema.isSubType(type, runtime);
  }

  private included(directives: readonly DirectiveNode[] | undefined): boolean {
    if (!directives) return true;
    for (const directive of directives) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const value = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
      const condition = value?.kind === Kind.BOOLEAN ? value.value : value?.kind === Kind.VARIABLE ? this.conditions[value.name.value] === true : false;
      if (name === 'skip' ? condition : !condition) return false;
    }
    return true;
  }
}
