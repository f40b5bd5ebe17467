import { Counter, type Registry } from 'prom-client';
import type { LimitName } from '../limits/limit-error.ts';

/** Every limit, so each has a series (at 0) from the start; the compiler checks the list is whole. */
const LIMITS: Record<LimitName, true> = { size: true, tokens: true, depth: true, aliases: true, rootFields: true, directives: true, cost: true };

/**
 * graphql_operation_limit_refusals_total{limit}: operations the gateway refused with
 * OPERATION_LIMIT, by the limit named in `extensions.limit`. Returns the function the limits
 * plugin calls for each refusal.
 */
export function createLimitRefusalCounter(registry: Registry): (limit: string) => void {
  const refusals = new Counter({
    name: 'graphql_operation_limit_refusals_total',
    help: 'Operations refused with OPERATION_LIMIT before planning, by the limit exceeded.',
    labelNames: ['limit'],
    registers: [registry],
  });
  for (const limit of Object.keys(LIMITS)) refusals.inc({ limit }, 0);
  // The plugin passes extensions.limit: anything outside the known set would be a bug, bounded anyway.
  return (limit) => refusals.inc({ limit: limit in LIMITS ? limit : 'other' });
}
