// @requires with field arguments, including a client selection of the same field with a
// different argument ("conflicting @requires arguments"), over every gateway kind.
import { describeAuditContract, type ContractCase } from '../support/contract.ts';
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
