// The federations the differential corpus runs on: every audit scenario of this folder, the
// gateway benchmark's four subgraphs, and the faults shop (also with its reviews subgraph down).
import { BENCH_SUBGRAPHS, SUBGRAPH_RESOLVERS, SUBGRAPH_SDL } from '../../../bench/federation/subgraph-schemas.ts';
import { includeSkip } from '../include-skip/subgraphs.ts';
import { keysMashup } from '../keys-mashup/subgraphs.ts';
import { nonResolvableInterfaceObject } from '../non-resolvable-interface-object/subgraphs.ts';
import { nullKeys } from '../null-keys/subgraphs.ts';
import { requiresProvides } from '../requires-provides/subgraphs.ts';
import { requiresChain } from '../requires-with-argument/requires-chain-subgraphs.ts';
import { requiresWithArgument } from '../requires-with-argument/subgraphs.ts';
import type { FederationOptions } from '../support/federation.ts';
import type { Scenario } from '../support/scenario.ts';
import { typenameScenario } from '../typename/subgraphs.ts';
import { faults } from './faults-subgraphs.ts';

export interface Setup {
  scenario: Scenario;
  options?: FederationOptions;
}

const bench: Scenario = {
  name: 'bench',
  subgraphs: BENCH_SUBGRAPHS.map((name) => ({ name, sdl: SUBGRAPH_SDL[name], resolvers: SUBGRAPH_RESOLVERS[name] })),
};

export const SETUPS = {
  bench: { scenario: bench },
  faults: { scenario: faults },
  'faults, reviews down': { scenario: faults, options: { down: ['reviews'] } },
  typename: { scenario: typenameScenario },
  'requires-provides': { scenario: requiresProvides },
  'requires-with-argument': { scenario: requiresWithArgument },
  'requires-requires': { scenario: requiresChain },
  'keys-mashup': { scenario: keysMashup },
  'non-resolvable-interface-object': { scenario: nonResolvableInterfaceObject },
  'null-keys': { scenario: nullKeys },
  'include-skip': { scenario: includeSkip },
} satisfies Record<string, Setup>;

export type SetupName = keyof typeof SETUPS;
