// An entity answered as null in a chain of entity fetches, over every gateway kind.
import { describeAuditContract, type ContractCase } from '../support/contract.ts';
import { nullKeys } from './subgraphs.ts';

const cases: ContractCase[] = [
  {
    title: 'a field two entity hops away, when the middle hop answers null for one item',
    query: '{ bookContainers { book { upc author { name } } } }',
    expected: {
      data: {
        bookContainers: [
          { book: { upc: 'b1', author: { name: 'Alice' } } },
          { book: { upc: 'b2', author: { name: 'Bob' } } },
          { book: { upc: 'b3', author: null } },
        ],
      },
    },
  },
];

describeAuditContract(nullKeys, cases);
