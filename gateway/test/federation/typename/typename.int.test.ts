// __typename (plain, aliased, inside type conditions) on unions, interfaces and interface
// objects, over every gateway kind.
import { describeAuditContract, type ContractCase } from '../support/contract.ts';
import { typenameScenario } from './subgraphs.ts';

const cases: ContractCase[] = [
  {
    title: '__typename of a union member, plain and aliased',
    query: '{ union { __typename typename: __typename } }',
    expected: { data: { union: { __typename: 'Oven', typename: 'Oven' } } },
  },
  {
    title: '__typename of an interface value, under several aliases',
    query: '{ interface { id __typename typename: __typename t: __typename } }',
    expected: { data: { interface: { id: '2', __typename: 'Toaster', typename: 'Toaster', t: 'Toaster' } } },
  },
  {
    title: 'an aliased __typename in each type condition of a union: only the matching one answers',
    query: '{ union { __typename ... on Oven { typename: __typename } ... on Toaster { typename: __typename } } }',
    expected: { data: { union: { __typename: 'Oven', typename: 'Oven' } } },
  },
  {
    title: 'an aliased __typename in each type condition of an interface',
    query: '{ interface { __typename ... on Oven { typename: __typename } ... on Toaster { typename: __typename } } }',
    expected: { data: { interface: { __typename: 'Toaster', typename: 'Toaster' } } },
  },
  {
    title: 'keys of an interface object list',
    query: '{ users { id } }',
    expected: { data: { users: [{ id: 'u1' }, { id: 'u2' }] } },
  },
  {
    title: '__typename of an interface object comes from the subgraph that owns the interface',
    query: '{ users { __typename } }',
    expected: { data: { users: [{ __typename: 'Admin' }, { __typename: 'Admin' }] } },
  },
];

describeAuditContract(typenameScenario, cases);
