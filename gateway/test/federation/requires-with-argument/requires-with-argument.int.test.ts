// @requires with field arguments, including a client selection of the same field with a
// different argument ("conflicting @requires arguments"), and chains of @requires (the audit's
// requires-requires), over every gateway kind.
import { describeAuditContract, type ContractCase } from '../support/contract.ts';
import { requiresChain } from './requires-chain-subgraphs.ts';
import { requiresWithArgument } from './subgraphs.ts';

const FEED_ANSWER = {
  feed: [
    { author: { id: 'a2' }, comments: [{ id: 'c1' }] },
    { author: { id: 'a1' }, comments: [{ id: 'c4' }] },
  ],
};
// Seen with @apollo/gateway 2.14: the comments fetched for the @requires (limit 3) land in the
// client's `comments` too, so each post answers three comments instead of one.
const CONFLICT = 'answers the required comments(limit: 3) where the client asked for comments(limit: 1)';

const cases: ContractCase[] = [
  {
    title: 'a @requires selection with a literal argument reaches the owning subgraph',
    query: '{ products { upc name shippingEstimate } }',
    expected: {
      data: {
        products: [
          { upc: 'p1', name: 'p-name-1', shippingEstimate: 110 },
          { upc: 'p2', name: 'p-name-2', shippingEstimate: 440 },
        ],
      },
    },
  },
  {
    title: 'a field whose @requires selects a field with an argument',
    query: '{ feed { author { id } } }',
    expected: { data: { feed: [{ author: { id: 'a2' } }, { author: { id: 'a1' } }] } },
  },
  {
    title: 'the client selects the required field with another literal argument',
    query: '{ feed { author { id } comments(limit: 1) { id } } }',
    expected: { data: FEED_ANSWER },
    apolloFails: CONFLICT,
  },
  {
    title: 'the client selects the required field with another argument, from a variable default',
    query: 'query ($limit: Int = 1) { feed { author { id } comments(limit: $limit) { id } } }',
    expected: { data: FEED_ANSWER },
    apolloFails: CONFLICT,
  },
  {
    title: 'the conflicting selection comes twice, through two fragments',
    query: `query ($limit: Int = 1) { feed { author { id } ...First ...Second } }
      fragment First on Post { comments(limit: $limit) { id } }
      fragment Second on Post { comments(limit: $limit) { id } }`,
    expected: { data: FEED_ANSWER },
    apolloFails: CONFLICT,
  },
];

describeAuditContract(requiresWithArgument, cases);

const chainCases: ContractCase[] = [
  { title: 'a @requires on a field that has a @requires', query: '{ product { canAfford } }', expected: { data: { product: { canAfford: false } } } },
  { title: 'the middle of the chain alone', query: '{ product { isExpensive } }', expected: { data: { product: { isExpensive: true } } } },
  {
    title: 'the middle and the end of the chain together',
    query: '{ product { isExpensive canAfford } }',
    expected: { data: { product: { isExpensive: true, canAfford: false } } },
  },
  {
    title: 'a chain starting from a field of the root subgraph',
    query: '{ product { canAffordWithDiscount } }',
    expected: { data: { product: { canAffordWithDiscount: true } } },
  },
  {
    title: 'two chains in one selection',
    query: '{ product { canAfford canAffordWithDiscount } }',
    expected: { data: { product: { canAfford: false, canAffordWithDiscount: true } } },
  },
];

describeAuditContract(requiresChain, chainCases);
