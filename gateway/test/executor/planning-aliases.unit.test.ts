// Planning aliases (alias-arguments.ts): before planning, every field with arguments is asked
// under `_t_<response name>` so that the planner never merges the client's field with a
// requirement's field of the same name and other arguments. Clients must never see those names.
import { Kind, parse, print, visit, type FieldNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { aliasFieldsWithArguments, clientPathSegment, PLANNING_ALIAS_PREFIX } from '../../src/executor/alias-arguments.ts';
import { executorOver, runOperation } from './support/shop-executor.ts';
import { BROKEN_USER, ECHO_FAILED } from './support/shop-subgraphs.ts';

/** Each field of the document as `alias: name` (or `name`), in document order. */
function fieldsOf(document: ReturnType<typeof parse>): string[] {
  const fields: string[] = [];
  visit(document, { Field: (node) => void fields.push(node.alias ? `${node.alias.value}: ${node.name.value}` : node.name.value) });
  return fields;
}

describe('aliasFieldsWithArguments', () => {
  const query = `{
    __typename
    __type(name: "User") { name kind }
    me { name }
    user(id: "u1") { name }
    second: user(id: "u2") { name }
    topProducts(first: 1) { upc name }
  }`;

  it('aliases fields with arguments, at every depth, and leaves the others as they are', () => {
    const planning = aliasFieldsWithArguments(parse(query));
    expect(planning.aliased).toBe(true);
    expect(fieldsOf(planning.document)).toEqual([
      '__typename',
      '__type',
      'name',
      'kind',
      'me',
      'name',
      '_t_user: user',
      'name',
      '_t_second: user',
      'name',
      '_t_topProducts: topProducts',
      'upc',
      'name',
    ]);
    // Only aliases change: the arguments and everything else print the same.
    expect(print(planning.document).replace(/_t_\w+: /g, '')).toBe(print(parse(query)).replace(/second: /, ''));
  });

  it('tells the shaping where each client field is read from', () => {
    const document = parse(query);
    const planning = aliasFieldsWithArguments(document);
    const byName = new Map<string, FieldNode>();
    visit(document, { Field: (node) => void byName.set(node.alias?.value ?? node.name.value, node) });
    expect(planning.inputKey(byName.get('user')!, 'user')).toBe('_t_user');
    expect(planning.inputKey(byName.get('second')!, 'second')).toBe('_t_second');
    expect(planning.inputKey(byName.get('me')!, 'me')).toBe('me');
    expect(planning.inputKey(byName.get('__type')!, '__type')).toBe('__type');
  });

  it('rewrites nothing when no field has arguments', () => {
    const document = parse('{ me { name } topProducts { upc } }');
    const planning = aliasFieldsWithArguments(document);
    expect(planning.document).toBe(document);
    expect(planning.aliased).toBe(false);
  });

  it('rewrites nothing when the client already uses a name starting with _t_', () => {
    for (const clash of ['{ _t_me: me { name } user(id: "u1") { name } }', '{ me { _t_name: name } user(id: "u1") { name } }']) {
      const document = parse(clash);
      const planning = aliasFieldsWithArguments(document);
      expect(planning.document).toBe(document);
      expect(planning.aliased).toBe(false);
      const user = document.definitions[0]!.kind === Kind.OPERATION_DEFINITION ? (document.definitions[0].selectionSet.selections[1] as FieldNode) : undefined;
      expect(planning.inputKey(user!, 'user')).toBe('user');
    }
  });

  it('clientPathSegment takes the planning alias off, and only that', () => {
    expect(PLANNING_ALIAS_PREFIX).toBe('_t_');
    expect(clientPathSegment('_t_user')).toBe('user');
    expect(clientPathSegment('_t__t_user')).toBe('_t_user');
    expect(clientPathSegment('user')).toBe('user');
    expect(clientPathSegment('t_user')).toBe('t_user');
    expect(clientPathSegment(3)).toBe(3);
  });
});

describe('planning aliases through the executor', () => {
  it('asks the subgraph under the alias and answers under the client’s names', async () => {
    const { executor, federation } = executorOver();
    const result = await runOperation(executor, '{ user(id: "u2") { name } mine: user(id: "u1") { id } me { name } }');
    expect(result).toEqual({ data: { user: { name: 'name of u2' }, mine: { id: 'u1' }, me: { name: 'name of u1' } } });
    expect(fieldsOf(parse(federation.requestsTo('catalog')[0]!.request.query))).toEqual(['_t_user: user', 'name', '_t_mine: user', 'id', 'me', 'name']);
  });

  it('answers introspection (with arguments, at any depth) next to aliased fields', async () => {
    const { executor, federation } = executorOver();
    const result = await runOperation(executor, '{ user(id: "u1") { name } __type(name: "Review") { name fields(includeDeprecated: true) { name args(includeDeprecated: true) { name } } } }');
    expect(result).toEqual({ data: { user: { name: 'name of u1' }, __type: { name: 'Review', fields: [{ name: 'body', args: [] }] } } });
    expect(federation.requestsTo('catalog').map((r) => fieldsOf(parse(r.request.query)))).toEqual([['_t_user: user', 'name']]);
  });

  it('never shows _t_ in a client error path, whether the subgraph or an entity fetch failed', async () => {
    const { executor, federation } = executorOver();
    const result = await runOperation(executor, `{ echo(text: "fail") said: echo(text: "hi") user(id: "${BROKEN_USER}") { reviews { body } } }`);
    // The subgraph did name the alias in its error path.
    expect(federation.requestsTo('catalog')[0]!.response.errors?.map((e) => e.path)).toEqual([['_t_echo']]);
    expect(result.data).toEqual({ echo: null, said: 'hi', user: { reviews: null } });
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([
      [ECHO_FAILED, ['echo']],
      [`user ${BROKEN_USER} cannot be resolved`, ['user']],
    ]);
    expect(JSON.stringify(result)).not.toContain('_t_');
  });

  it('keeps the client’s own _t_ names as they are (no rewrite, no stripping)', async () => {
    const { executor, federation } = executorOver();
    const result = await runOperation(executor, '{ _t_me: me { name } user(id: "u2") { name } _t_echo: echo(text: "fail") }');
    expect(result.data).toEqual({ _t_me: { name: 'name of u1' }, user: { name: 'name of u2' }, _t_echo: null });
    expect(result.errors?.map((e) => e.path)).toEqual([['_t_echo']]);
    expect(fieldsOf(parse(federation.requestsTo('catalog')[0]!.request.query))).toEqual(['_t_me: me', 'name', 'user', 'name', '_t_echo: echo']);
  });
});
