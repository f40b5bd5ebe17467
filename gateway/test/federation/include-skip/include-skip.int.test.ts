// @include / @skip with variable defaults on @requires fields, over every gateway kind.
import { describeAuditContract, type ContractCase } from '../support/contract.ts';
import { includeSkip } from './subgraphs.ts';

const cases: ContractCase[] = [
  {
    title: '@include(if: false) leaves out a field and everything it requires',
    query: 'query ($bool: Boolean = false) { product { price neverCalledInclude @include(if: $bool) } }',
    expected: { data: { product: { price: 699.99 } } },
  },
  {
    title: '@skip(if: true) leaves out a field and everything it requires',
    query: 'query ($bool: Boolean = true) { product { price neverCalledSkip @skip(if: $bool) } }',
    expected: { data: { product: { price: 699.99 } } },
  },
  {
    title: '@include(if: true) keeps a field at the end of a @requires chain',
    query: 'query ($bool: Boolean = true) { product { price include @include(if: $bool) } }',
    expected: { data: { product: { price: 699.99, include: true } } },
  },
  {
    title: '@skip(if: false) keeps a field at the end of a @requires chain',
    query: 'query ($bool: Boolean = false) { product { price skip @skip(if: $bool) } }',
    expected: { data: { product: { price: 699.99, skip: true } } },
  },
];

describeAuditContract(includeSkip, cases);
