import { z } from 'zod';

/**
 * Turns a zod schema into the rows of a field table (path, type, rules) for the event catalogue.
 * It goes through `z.toJSONSchema` rather than zod internals: JSON Schema is zod's public,
 * documented description of a schema, so this keeps working across zod releases. Anything it
 * does not know how to describe throws, so the generator fails instead of printing a wrong table.
 */

export interface FieldRow {
  /** Dotted path inside the object; `[]` marks the elements of an array, e.g. `items[].sku`. */
  path: string;
  type: string;
  /** Constraints in words, e.g. `1–128 characters`; empty when there are none. */
  rules: string;
}

/** The subset of JSON Schema 2020-12 that zod emits for the contracts' schemas. */
interface JsonSchema {
  /** A list when zod folds a nullable primitive into one node: `["string", "null"]`. */
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
}

/** The rows of every field of an object schema, nested fields after their parent. */
export function fieldRows(schema: z.ZodType): FieldRow[] {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema;
  if (json.type !== 'object' || !json.properties) throw new Error('an event schema must be an object');
  return objectRows(json, '');
}

function objectRows(node: JsonSchema, prefix: string): FieldRow[] {
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) =>
    fieldRowsOf(child, `${prefix}${name}`, required.has(name)),
  );
}

function fieldRowsOf(node: JsonSchema, path: string, required: boolean): FieldRow[] {
  const { type, rules } = describe(node);
  const row: FieldRow = { path, type, rules: [...(required ? [] : ['optional']), ...rules].join('; ') };
  return [row, ...nestedRows(node, path)];
}

/** Fields below this one: an object's properties, an array's element fields, a union's objects. */
function nestedRows(node: JsonSchema, path: string): FieldRow[] {
  if (node.type === 'object') return objectRows(node, `${path}.`);
  if (node.type === 'array' && node.items) {
    return node.items.type === 'object' ? objectRows(node.items, `${path}[].`) : nestedRows(node.items, `${path}[]`);
  }
  if (node.anyOf) return node.anyOf.flatMap((alternative) => nestedRows(alternative, path));
  return [];
}

interface Described {
  type: string;
  rules: string[];
}

function describe(node: JsonSchema): Described {
  if (node.$ref) throw new Error(`cannot describe a schema reference (${node.$ref}): inline it`);
  if (node.anyOf) return describeUnion(node.anyOf);
  if (Array.isArray(node.type)) return describeUnion(node.type.map((type) => ({ ...node, type })));
  if (node.const !== undefined) return { type: literal(node.const), rules: [] };
  if (node.enum) return { type: 'enum', rules: [`one of ${node.enum.map((value) => code(String(value))).join(', ')}`] };
  switch (node.type) {
    case 'string':
      return { type: 'string', rules: stringRules(node) };
    case 'integer':
    case 'number':
      return { type: node.type, rules: numberRules(node) };
    case 'boolean':
    case 'null':
      return { type: node.type, rules: [] };
    case 'object':
      return { type: 'object', rules: [] };
    case 'array':
      return describeArray(node);
    case undefined:
      // `{}`: zod's z.unknown(); the envelope's `data` is the only one.
      if (Object.keys(node).length === 0) return { type: 'any JSON', rules: [] };
  }
  throw new Error(`cannot describe JSON schema ${JSON.stringify(node)}`);
}

/** `x or null` reads better than a two-branch union, and most unions here are just that. */
function describeUnion(alternatives: JsonSchema[]): Described {
  const nonNull = alternatives.filter((alternative) => alternative.type !== 'null');
  const nullable = nonNull.length < alternatives.length;
  if (nonNull.length === 1) {
    const inner = describe(nonNull[0]!);
    return { type: nullable ? `${inner.type} or null` : inner.type, rules: inner.rules };
  }
  const described = nonNull.map(describe);
  return {
    type: [...described.map((d) => d.type), ...(nullable ? ['null'] : [])].join(' or '),
    rules: described.flatMap((d) => d.rules),
  };
}

function describeArray(node: JsonSchema): Described {
  const rules: string[] = [];
  if (node.minItems !== undefined && node.maxItems !== undefined) rules.push(`${node.minItems}–${node.maxItems} items`);
  else if (node.minItems !== undefined) rules.push(`at least ${plural(node.minItems, 'item')}`);
  else if (node.maxItems !== undefined) rules.push(`at most ${plural(node.maxItems, 'item')}`);
  if (!node.items) return { type: 'array', rules };
  const element = describe(node.items);
  if (node.items.type === 'object') return { type: 'array of objects', rules };
  return { type: `array of ${element.type}`, rules: [...rules, ...element.rules.map((rule) => `each ${rule}`)] };
}

const FORMATS: Record<string, string> = {
  'date-time': 'ISO 8601 date-time',
  uuid: 'UUID',
  email: 'e-mail address',
  uri: 'URI',
};

function stringRules(node: JsonSchema): string[] {
  const rules: string[] = [];
  if (node.minLength !== undefined && node.maxLength !== undefined) rules.push(`${node.minLength}–${node.maxLength} characters`);
  else if (node.minLength !== undefined) rules.push(`at least ${plural(node.minLength, 'character')}`);
  else if (node.maxLength !== undefined) rules.push(`at most ${plural(node.maxLength, 'character')}`);
  if (node.format) {
    // zod adds a pattern that implements the format; the format's name says it better.
    const format = FORMATS[node.format];
    if (!format) throw new Error(`unknown string format ${node.format}: add it to FORMATS`);
    rules.push(format);
  } else if (node.pattern) {
    rules.push(`matches ${code(node.pattern)}`);
  }
  return rules;
}

function numberRules(node: JsonSchema): string[] {
  const rules: string[] = [];
  if (node.minimum !== undefined) rules.push(`≥ ${node.minimum}`);
  // zod bounds z.int() by the safe-integer range; that is JavaScript, not a business rule.
  if (node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER) rules.push(`≤ ${node.maximum}`);
  return rules;
}

function literal(value: unknown): string {
  return code(JSON.stringify(value));
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A Markdown code span that survives a table cell (pipes would split the cell). */
export function code(text: string): string {
  const escaped = text.replaceAll('|', '\\|');
  return escaped.includes('`') ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
}
