// Entities with several keys, resolvable in some subgraphs only, over every gateway kind.
import { describeAuditContract, type ContractCase } from '../support/contract.ts';
import { keysMashup } from './subgraphs.ts';

const cases: ContractCase[] = [
  {
    title: 'a @requires field of an entity reached through a list, needing a hop through the other subgraph by its resolvable key',
    query: '{ b { id a { id name nameInB } } }',
    expected: { data: { b: { id: '100', a: [{ id: '1', name: 'a.1', nameInB: 'b.a.nameInB a.1' }] } } },
    // Seen with @apollo/gateway 2.14: the representation sent to `b` carries the non-resolvable
    // key `compositeId { one two }` (and no `three`), `b` answers null, and the non-null nameInB
    // nulls the whole `b` (reported only under extensions.valueCompletion).
    apolloFails: 'sends b a representation by a key b cannot resolve: data.b is null',
  },
];

describeAuditContract(keysMashup, cases);
