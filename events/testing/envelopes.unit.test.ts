import { describe, expect, it } from 'vitest';
import { parseEvent } from '@tributary/contracts';
import { makeEnvelope } from './envelopes.ts';
import { sampleEvents } from './sample-events.ts';

describe('makeEnvelope', () => {
  it('builds a valid envelope with fresh ids and the latest version', () => {
    const a = makeEnvelope(sampleEvents.OrderPlaced);
    const b = makeEnvelope(sampleEvents.OrderPlaced);
    expect(a.id).not.toBe(b.id);
    expect(a.version).toBe(3);
    expect(a.correlationId).toBe(a.aggregateId);
    expect(parseEvent(a)).toEqual(a);
  });

  it('applies overrides', () => {
    const envelope = makeEnvelope(sampleEvents.OrderShipped, { aggregateId: 'o-9', aggregateVersion: 4 });
    expect(envelope).toMatchObject({ aggregateId: 'o-9', correlationId: 'o-9', aggregateVersion: 4 });
  });
});
