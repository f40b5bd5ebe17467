import { randomUUID } from 'node:crypto';
import { createEnvelope, type AnyEventEnvelope, type DomainEvent, type EventType } from '@tributary/contracts';
import type { EnvelopeMetadata } from '@tributary/contracts';

/**
 * A valid envelope around `event` for tests of projections and reactions: fresh ids, a fixed
 * time and a system actor unless overridden. Goes through `createEnvelope`, so it is validated.
 */
export function makeEnvelope<T extends EventType>(
  event: DomainEvent<T>,
  overrides: Partial<EnvelopeMetadata> = {},
): AnyEventEnvelope<T> {
  const aggregateId = overrides.aggregateId ?? randomUUID();
  return createEnvelope(event, {
    id: randomUUID(),
    aggregateId,
    aggregateVersion: 1,
    occurredAt: '2026-01-01T00:00:00.000Z',
    correlationId: aggregateId,
    causationId: randomUUID(),
    actor: { customerId: 'system', role: 'system' },
    ...overrides,
  });
}
