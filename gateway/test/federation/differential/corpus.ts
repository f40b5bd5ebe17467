// The operations run through both gateways by the differential test. Each names the federation it
// runs on (setups.ts). Left out on purpose: the operations stock Apollo Gateway is known to answer
// wrongly (conflicting @requires arguments, keys-mashup's nameInB, a field behind a non-resolvable
// interface object): the audit suites next to this folder cover those against fixed answers.
import { BENCHMARK_QUERY } from '../../../bench/federation/query.ts';
import type { SetupName } from './setups.ts';

export interface CorpusOperation {
  title: string;
  setup: SetupName;
  query: string;
  variables?: Record<string, unknown>;
}

const bench: CorpusOperation[] = [
  { title: 'the benchmark query: five levels of entity fetches, fragments, @provides, @requires', setup: 'bench', query: BENCHMARK_QUERY },
  {
    title: 'aliases of one root field with different arguments',
    setup: 'bench',
    query: '{ two: topProducts(first: 2) { upc n: name } five: topProducts(first: 5) { upc cost: price stock: inStock } }',
  },
  {
    title: '__typename at every level, with a named fragment',
    setup: 'bench',
    query: '{ __typename me { __typename ...U reviews { __typename id product { __typename upc inStock } } } } fragment U on User { id name username }',
  },
  {
    title: '@include and @skip from variables, both dropping their fields',
    setup: 'bench',
    query: 'query ($withReviews: Boolean!, $noStock: Boolean!) { topProducts(first: 3) { upc reviews @include(if: $withReviews) { id author { username } } inStock @skip(if: $noStock) } }',
    variables: { withReviews: false, noStock: true },
  },
  {
    title: '@include and @skip from variables, both keeping their fields',
    setup: 'bench',
    query: 'query ($withReviews: Boolean!, $noStock: Boolean!) { topProducts(first: 3) { upc reviews @include(if: $withReviews) { id author { username } } inStock @skip(if: $noStock) } }',
    variables: { withReviews: true, noStock: false },
  },
  { title: 'nested entity fetches ending in a @requires field', setup: 'bench', query: '{ users { id reviews { product { name shippingEstimate } } } }' },
  { title: 'a provided field only (no accounts fetch for it)', setup: 'bench', query: '{ topProducts(first: 3) { reviews { author { username } } } }' },
  { title: 'a provided field next to one that is not', setup: 'bench', query: '{ topProducts(first: 3) { reviews { author { username name birthday } } } }' },
  {
    title: 'a variable argument, and an unknown id answering null',
    setup: 'bench',
    query: 'query ($id: ID!, $missing: ID!) { user(id: $id) { name reviews { id } } nobody: user(id: $missing) { name } }',
    variables: { id: '3', missing: '99' },
  },
  {
    title: 'inline fragments with and without a type condition, one under @include',
    setup: 'bench',
    query: '{ topProducts(first: 2) { ... on Product { upc ... @include(if: true) { name weight } ... @include(if: false) { price } } } }',
  },
];

const audits: CorpusOperation[] = [
  {
    title: 'a union and an interface with type conditions and an aliased __typename',
    setup: 'typename',
    query: '{ union { __typename ... on Oven { id } } interface { ... on Toaster { id t: __typename } ... on Oven { id } } }',
  },
  { title: 'an interface object with a field of the concrete type', setup: 'typename', query: '{ users { __typename id name ... on Admin { isMain } } }' },
  {
    title: 'an interface object, directives on __typename and on a field',
    setup: 'typename',
    query: 'query ($skip: Boolean!) { users { id name @skip(if: $skip) __typename @include(if: true) } }',
    variables: { skip: true },
  },
  { title: 'a provided field and two @requires fields, three hops deep', setup: 'requires-provides', query: '{ me { reviews { author { username name } product { shippingEstimateTag inStock } } } }' },
  { title: 'a named fragment next to an entity list', setup: 'requires-provides', query: '{ products { ...P reviews { body } } } fragment P on Product { upc name price }' },
  { title: '@requires with a literal argument', setup: 'requires-with-argument', query: '{ products { upc name shippingEstimate } }' },
  { title: '@requires selecting a field with an argument, alone', setup: 'requires-with-argument', query: '{ feed { author { id name } } }' },
  {
    title: 'two @requires chains with aliases and __typename',
    setup: 'requires-requires',
    query: '{ product { __typename id e: isExpensive afford: canAfford withDiscount: canAffordWithDiscount } }',
  },
  { title: 'composite keys answered by one subgraph', setup: 'keys-mashup', query: '{ b { id a { id pId compositeId { one two three } } } }' },
  { title: 'an entity fetch by the one resolvable key', setup: 'keys-mashup', query: '{ b { a { id name } } }' },
  { title: 'a non-resolvable interface object from its own subgraph', setup: 'non-resolvable-interface-object', query: '{ b { id field } }' },
  { title: 'a subgraph error on an interface value it cannot type', setup: 'non-resolvable-interface-object', query: '{ a { id } }' },
  { title: 'a type condition answered from an entity fetch of __typename', setup: 'non-resolvable-interface-object', query: '{ product { __typename id ... on Bread { id } } }' },
  { title: 'a null entity in the middle of a chain of fetches', setup: 'null-keys', query: '{ bookContainers { book { upc author { id name } } } }' },
  {
    title: '@include/@skip from variables on @requires chains',
    setup: 'include-skip',
    query: 'query ($yes: Boolean!, $no: Boolean!) { product { id include @include(if: $yes) skip @skip(if: $no) neverCalledInclude @include(if: $no) neverCalledSkip @skip(if: $yes) } }',
    variables: { yes: true, no: false },
  },
  {
    title: 'a throwing non-null field of an entity fetch: null bubbles to the nullable parent',
    setup: 'include-skip',
    query: '{ product { price neverCalledInclude @include(if: true) } }',
  },
];

const faults: CorpusOperation[] = [
  { title: 'a field error in every item of a list', setup: 'faults', query: '{ products { upc supplier } }' },
  { title: 'a root field error next to a field error', setup: 'faults', query: '{ product(upc: "p1") { name supplier } brokenRoot }' },
  { title: 'a subgraph error with its own code', setup: 'faults', query: '{ forbiddenRoot ok: product(upc: "p2") { name } }' },
  { title: 'null in a non-null field inside a non-null list: data is null', setup: 'faults', query: '{ products { upc label } }' },
  { title: 'null in a non-null field inside a nullable list: the item is null', setup: 'faults', query: '{ productsOrNull { upc label } }' },
  { title: 'an entity fetch failing for one item and answering null for another', setup: 'faults', query: '{ products { upc inStock } }' },
  { title: 'an entity fetch whose whole _entities list fails', setup: 'faults', query: '{ products { upc discountPercent } }' },
  {
    title: 'two root fields whose entities go to one subgraph, one of them failing its whole list',
    setup: 'faults',
    query: '{ bad: product(upc: "p3") { upc discountPercent } good: product(upc: "p1") { upc discountPercent } }',
  },
  { title: 'a null entity under a non-null field, with an entity error beside it', setup: 'faults', query: '{ productsOrNull { upc warehouse { code city } } }' },
  { title: 'a null entity under a non-null field of a nullable root field', setup: 'faults', query: '{ product(upc: "p4") { name warehouse { code } } }' },
  {
    title: 'an interface list with type conditions and an entity fetch inside one of them',
    setup: 'faults',
    query: '{ listings { __typename upc title ... on Bundle { items { upc inStock } } ... on Product { name price } } }',
  },
  { title: 'entity lists and a nullable entity field from a third subgraph', setup: 'faults', query: '{ products { upc reviews { rating } topReview { body } } }' },
  { title: 'a null entity under a non-null field, no other error', setup: 'faults', query: '{ product(upc: "p4") { upc warehouse { code } } }' },
  {
    title: 'aliases and fragments over errors',
    setup: 'faults',
    query: '{ a: product(upc: "p3") { ...Stock } b: product(upc: "p1") { ...Stock s: supplier } } fragment Stock on Product { upc inStock warehouse { code } }',
  },
  { title: 'a whole subgraph down under a non-null entity field', setup: 'faults, reviews down', query: '{ products { upc name reviews { id } } }' },
  { title: 'a whole subgraph down under a nullable entity field', setup: 'faults, reviews down', query: '{ productsOrNull { upc topReview { body } } }' },
  { title: 'a root field of a subgraph that is down', setup: 'faults, reviews down', query: '{ recentReviews { id } }' },
  { title: 'a root field of a subgraph that is down, next to one that answers', setup: 'faults, reviews down', query: '{ product(upc: "p1") { name } recentReviews { id rating } }' },
];

export const CORPUS: CorpusOperation[] = [...bench, ...audits, ...faults];
