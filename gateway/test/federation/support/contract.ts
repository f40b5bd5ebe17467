// The audit contract: every case of a scenario, run over every gateway kind, compared with the
// answer the public federation gateway audit expects. A case stock Apollo Gateway is known to get
// wrong is an expected failure for the 'apollo' run only: the suite documents the gap, and turns
// red the day Apollo gets it right (then the marker must go).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type FederationResult, type RunningFederation } from './federation.ts';
import { GATEWAY_KINDS } from './gateway-kinds.ts';
import type { AuditCase, Scenario } from './scenario.ts';

export interface ContractCase extends AuditCase {
  /** Why stock Apollo Gateway answers this case wrongly (checked: it does). */
  apolloFails?: string;
}

/** What a client sees, as the audit reads it: data (absent = null) and, when asked, whether errors came. */
function auditView(result: { data?: unknown; errors?: readonly unknown[] | boolean }, errorsCompared: boolean) {
  // Through JSON, as a client receives it: executor results have null-prototype objects.
  const data = JSON.parse(JSON.stringify(result.data ?? null)) as unknown;
  if (!errorsCompared) return { data };
  const errors = typeof result.errors === 'boolean' ? result.errors : (result.errors?.length ?? 0) > 0;
  return { data, errors };
}

export function describeAuditContract(scenario: Scenario, cases: ContractCase[]): void {
  describe.each(GATEWAY_KINDS)(`${scenario.name} (audit contract) over the %s gateway`, (kind) => {
    let federation: RunningFederation | undefined;
    beforeAll(async () => {
      federation = await startFederation(kind, scenario.subgraphs);
    });
    afterAll(async () => {
      await federation?.stop();
    });

    cases.forEach((auditCase, index) => {
      const knownWrong = kind === 'apollo' && auditCase.apolloFails !== undefined;
      const test = knownWrong ? it.fails : it;
      const title = `${index + 1}. ${auditCase.title}${knownWrong ? ` [stock Apollo is wrong: ${auditCase.apolloFails}]` : ''}`;
      test(title, async () => {
        if (!federation) throw new Error(`${scenario.name}: the federation did not start`);
        const result: FederationResult = await federation.execute(auditCase.query, auditCase.variables);
        const errorsCompared = typeof auditCase.expected.errors === 'boolean';
        expect(auditView(result, errorsCompared), JSON.stringify(result)).toStrictEqual(auditView(auditCase.expected, errorsCompared));
      });
    });
  });
}
