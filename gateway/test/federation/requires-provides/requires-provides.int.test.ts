// @provides and @requires (and entity hops through both), over every gateway kind.
import { describeAuditContract, type ContractCase } from '../support/contract.ts';
import { requiresProvides } from './subgraphs.ts';

const estimates = [{ shippingEstimate: 110 }, { shippingEstimate: 440 }];

const cases: ContractCase[] = [
  { title: 'a root field of one subgraph', query: '{ me { id } }', expected: { data: { me: { id: 'u1' } } } },
  {
    title: 'an entity list from another subgraph',
    query: '{ me { id reviews { id } } }',
    expected: { data: { me: { id: 'u1', reviews: [{ id: 'r1' }, { id: 'r2' }] } } },
  },
  {
    title: 'a provided field next to a field of a third subgraph',
    query: '{ me { reviews { id author { id username } product { inStock } } } }',
    expected: {
      data: {
        me: {
          reviews: [
            { id: 'r1', author: { id: 'u1', username: 'u-username-1' }, product: { inStock: true } },
            { id: 'r2', author: { id: 'u1', username: 'u-username-1' }, product: { inStock: false } },
          ],
        },
      },
    },
  },
  {
    title: 'a field with @requires alone',
    query: '{ products { shippingEstimate } }',
    expected: { data: { products: estimates } },
  },
  {
    title: 'a field with @requires next to the fields it requires',
    query: '{ products { shippingEstimate weight price } }',
    expected: {
      data: {
        products: [
          { shippingEstimate: 110, weight: 1, price: 11 },
          { shippingEstimate: 440, weight: 2, price: 22 },
        ],
      },
    },
  },
  {
    title: '@provides and @requires in one nested selection',
    query: '{ products { reviews { id author { username } product { name shippingEstimate } } } }',
    expected: {
      data: {
        products: [
          { reviews: [{ id: 'r1', author: { username: 'u-username-1' }, product: { name: 'p-name-1', shippingEstimate: 110 } }] },
          { reviews: [{ id: 'r2', author: { username: 'u-username-1' }, product: { name: 'p-name-2', shippingEstimate: 440 } }] },
        ],
      },
    },
  },
  {
    title: 'an entity reached back in the subgraph it came from',
    query: '{ me { reviews { product { reviews { id } } } } }',
    expected: { data: { me: { reviews: [{ product: { reviews: [{ id: 'r1' }] } }, { product: { reviews: [{ id: 'r2' }] } }] } } },
  },
  {
    title: 'a @requires field three hops from the root',
    query: '{ me { reviews { product { shippingEstimate } } } }',
    expected: { data: { me: { reviews: [{ product: { shippingEstimate: 110 } }, { product: { shippingEstimate: 440 } }] } } },
  },
  {
    title: 'two fields with the same @requires, three hops from the root',
    query: '{ me { reviews { product { shippingEstimate shippingEstimateTag } } } }',
    expected: {
      data: {
        me: {
          reviews: [
            { product: { shippingEstimate: 110, shippingEstimateTag: '#p1#110#' } },
            { product: { shippingEstimate: 440, shippingEstimateTag: '#p2#440#' } },
          ],
        },
      },
    },
  },
];

describeAuditContract(requiresProvides, cases);
