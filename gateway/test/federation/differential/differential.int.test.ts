// Differential test of Tributary's query-plan executor against stock Apollo Gateway: every
// operation of the corpus (corpus.ts) goes through both, each over its own copy of the same
// subgraphs, and the answers must be the same — data deep-equal, errors equal as a multiset of
// { message, path, extensions.code } (normalise.ts). Prints how many operations were compared and
// how many subgraph requests each gateway made for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type RunningFederation } from '../support/federation.ts';
import { GATEWAY_KINDS, type GatewayKind } from '../support/gateway-kinds.ts';
import { CORPUS } from './corpus.ts';
import { comparable, type ComparableAnswer } from './normalise.ts';
import { SETUPS, type Setup, type SetupName } from './setups.ts';

type Federations = Record<GatewayKind, RunningFederation>;

describe('differential: Tributary executor vs Apollo Gateway', () => {
  const federations = new Map<SetupName, Federations>();
  const subgraphCalls: Record<GatewayKind, number> = { tributary: 0, apollo: 0 };
  let compared = 0;

  beforeAll(async () => {
    // Only the setups the corpus uses; one after another, the machine has two cores.
    for (const name of new Set(CORPUS.map((op) => op.setup))) {
      const { scenario, options }: Setup = SETUPS[name];
      const pair: Partial<Federations> = {};
      federations.set(name, pair as Federations);
      for (const kind of GATEWAY_KINDS) pair[kind] = await startFederation(kind, scenario.subgraphs, options);
    }
  });

  afterAll(async () => {
    for (const pair of federations.values()) for (const federation of Object.values(pair)) await federation?.stop();
    console.log(
      `differential: ${compared} of ${CORPUS.length} operations compared; subgraph requests: ` +
        GATEWAY_KINDS.map((kind) => `${kind} ${subgraphCalls[kind]}`).join(', '),
    );
  });

  for (const operation of CORPUS) {
    it(`[${operation.setup}] ${operation.title}`, async () => {
      const pair = federations.get(operation.setup);
      if (!pair) throw new Error(`setup ${operation.setup} did not start`);
      const answers = {} as Record<GatewayKind, ComparableAnswer>;
      // One gateway at a time, so each one's request count is its own.
      for (const kind of GATEWAY_KINDS) {
        const before = pair[kind].calls();
        answers[kind] = comparable(await pair[kind].execute(operation.query, operation.variables));
        subgraphCalls[kind] += pair[kind].calls() - before;
      }
      compared += 1;
      expect(answers.tributary).toStrictEqual(answers.apollo);
    });
  }
});
