// Interface objects whose keys are not resolvable, over every gateway kind.
import { describeAuditContract, type ContractCase } from '../support/contract.ts';
import { nonResolvableInterfaceObject } from './subgraphs.ts';

const cases: ContractCase[] = [
  {
    title: 'a field of a non-resolvable interface object, from the subgraph that owns it',
    query: '{ b { id field } }',
    expected: { data: { b: { id: 'n1', field: 'foo' } } },
  },
  {
    title: 'a field only reachable through a non-resolvable key: no plan, an error and no data',
    query: '{ a { field } }',
    expected: { data: null, errors: true },
    // Seen with @apollo/gateway 2.14: no subgraph is called and the answer is { a: null } with no
    // error, as if `a` were null.
    apolloFails: 'answers { a: null } without any error',
  },
  {
    title: 'the key of a non-resolvable interface object, from the subgraph that owns it',
    query: '{ b { id } }',
    expected: { data: { b: { id: 'n1' } } },
  },
  {
    title: 'an interface value no subgraph can give a concrete type: null and an error',
    query: '{ a { id } }',
    expected: { data: { a: null }, errors: true },
  },
  {
    title: 'the key of a non-resolvable interface object, from the subgraph that returns it',
    query: '{ product { id } }',
    expected: { data: { product: { id: 'p1' } } },
  },
  {
    title: 'a field of one implementation selected on the interface: invalid, an error and no data',
    query: '{ product { id name } }',
    expected: { data: null, errors: true },
  },
  {
    title: 'a type condition on the interface, answered from the key alone',
    query: '{ product { ... on Bread { id } } }',
    expected: { data: { product: { id: 'p1' } } },
  },
];

describeAuditContract(nonResolvableInterfaceObject, cases);
