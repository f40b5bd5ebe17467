import type { CommandMetadata } from '@tributary/bus';
import type { AnyEventEnvelope } from '@tributary/contracts';

/** The saga acts as the system, inside the order's saga, because of the event it consumed. */
export const SYSTEM_ACTOR = { customerId: 'system', role: 'system' } as const;

export function sagaMetadata(consumed: AnyEventEnvelope, orderId: string): CommandMetadata {
  return {
    actor: { ...SYSTEM_ACTOR },
    correlationId: orderId,
    causationId: consumed.id,
    ...(consumed.traceparent ? { traceparent: consumed.traceparent } : {}),
  };
}
