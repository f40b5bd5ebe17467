import type { z } from 'zod';
import type { DataOf, EventDefinition } from './definition.ts';
import type { EventEnvelope } from './envelope.ts';
import { InvalidEventError, describeIssues, issuesFromZod } from './invalid-event-error.ts';
import { orderCancelledV1, orderCancelledV2, orderPlacedV1, orderPlacedV2, orderPlacedV3 } from './order.ts';

/**
 * Upcasting: a published schema is never edited; a breaking change is a new version plus an
 * upcaster from the previous one. Readers always upcast, so code only ever sees the latest
 * version while old events stay in the store (and on Kafka) untouched.
 */
export interface Upcaster<
  From extends EventDefinition = EventDefinition,
  To extends EventDefinition = EventDefinition,
> {
  readonly from: From;
  readonly to: To;
  /** Why the new version exists and how old data is mapped: kept next to the code for reviewers. */
  readonly reason: string;
  /** Pure: maps data at `from.version` to data at `to.version`; the result is validated. */
  upcast(data: DataOf<From>, envelope: EventEnvelope<From['type'], DataOf<From>>): z.input<To['schema']>;
}

export function defineUpcaster<From extends EventDefinition, To extends EventDefinition>(
  upcaster: Upcaster<From, To>,
): Upcaster<From, To> {
  const { from, to } = upcaster;
  if (from.type !== to.type || to.version !== from.version + 1) {
    throw new Error(
      `upcaster must go from one version to the next of one type, ` +
        `got ${from.type} v${from.version} -> ${to.type} v${to.version}`,
    );
  }
  return Object.freeze({ ...upcaster });
}

export interface UpcasterRegistry {
  find(type: string, fromVersion: number): Upcaster | undefined;
  /**
   * Applies upcasters in a chain until `targetVersion`. The envelope's data must already be valid
   * for its own version. Throws InvalidEventError('upcast-failed') when a step is missing, throws
   * or produces data its target schema rejects.
   */
  upcastTo(envelope: EventEnvelope, targetVersion: number): EventEnvelope;
}

export function createUpcasterRegistry(upcasters: readonly Upcaster[]): UpcasterRegistry {
  const byStep = new Map<string, Upcaster>();
  for (const upcaster of upcasters) {
    const key = stepKey(upcaster.from.type, upcaster.from.version);
    if (byStep.has(key)) {
      throw new Error(`two upcasters registered for ${upcaster.from.type} v${upcaster.from.version}`);
    }
    if (upcaster.to.version !== upcaster.from.version + 1) throw new Error(`upcaster ${key} skips a version`);
    byStep.set(key, upcaster);
  }

  const find = (type: string, fromVersion: number) => byStep.get(stepKey(type, fromVersion));

  function upcastTo(envelope: EventEnvelope, targetVersion: number): EventEnvelope {
    let current = envelope;
    // Each step raises the version by exactly one, so this runs at most target - start times.
    while (current.version < targetVersion) {
      const details = { eventId: current.id, eventType: current.type, eventVersion: envelope.version };
      const step = find(current.type, current.version);
      if (!step) {
        throw new InvalidEventError('upcast-failed', `no upcaster from ${current.type} v${current.version}`, details);
      }
      let raw: unknown;
      try {
        raw = step.upcast(current.data, current);
      } catch (cause) {
        throw new InvalidEventError('upcast-failed', `upcaster ${current.type} v${current.version} threw`, {
          ...details,
          cause,
        });
      }
      const parsed = step.to.schema.safeParse(raw);
      if (!parsed.success) {
        const issues = issuesFromZod(parsed.error, ['data']);
        const problem = `produced invalid v${step.to.version} data: ${describeIssues(issues)}`;
        throw new InvalidEventError('upcast-failed', `upcaster ${current.type} v${current.version} ${problem}`, {
          ...details,
          issues,
        });
      }
      current = { ...current, version: step.to.version, data: parsed.data };
    }
    return current;
  }

  return { find, upcastTo };
}

function stepKey(type: string, version: number): string {
  return `${type}@${version}`;
}

/**
 * OrderPlaced v1 -> v2. v2 records the client's idempotency key so that a retried placeOrder can
 * be answered with the order it already created. v1 orders were placed without a key, so the
 * truthful value is null ("none recorded"), not an invented key.
 */
export const orderPlacedV1ToV2 = defineUpcaster({
  from: orderPlacedV1,
  to: orderPlacedV2,
  reason: 'v2 adds idempotencyKey; v1 orders had none, so it becomes null',
  upcast: (data) => ({ ...data, idempotencyKey: null }),
});

/**
 * OrderPlaced v2 -> v3. v3 records the payment method. Orders placed before payments existed
 * are charged with the default test method, the same default placeOrder applies today.
 */
export const orderPlacedV2ToV3 = defineUpcaster({
  from: orderPlacedV2,
  to: orderPlacedV3,
  reason: 'v3 adds paymentMethod; older orders get the default pm_card_ok',
  upcast: (data) => ({ ...data, paymentMethod: 'pm_card_ok' }),
});

/**
 * OrderCancelled v1 -> v2. v1 was only ever emitted by cancelOrder (the saga did not exist), so
 * every v1 cancellation was requested by a person: CUSTOMER_REQUEST, with the old text as detail.
 */
export const orderCancelledV1ToV2 = defineUpcaster({
  from: orderCancelledV1,
  to: orderCancelledV2,
  reason: 'v2 adds a reason code; v1 cancellations all came from cancelOrder',
  upcast: ({ reason, ...rest }) => ({ ...rest, reason: 'CUSTOMER_REQUEST' as const, detail: reason }),
});

/** Every upcaster in production use; the catalogue refuses to load if a chain has a gap. */
export const upcasters: readonly Upcaster[] = [orderPlacedV1ToV2, orderPlacedV2ToV3, orderCancelledV1ToV2];
