import { startInfrastructure, type TestInfrastructure } from '@tributary/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChargeClaims, type ChargeClaims } from '../../src/charging/claims.ts';
import { createChargeReferences, type ChargeReferences } from '../../src/charging/charge-references.ts';

let infra: TestInfrastructure;
let claims: ChargeClaims;
let references: ChargeReferences;
const t0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

beforeAll(async () => {
  infra = await startInfrastructure();
  const connection = await infra.connect('payment_claims_test');
  claims = createChargeClaims(connection);
  references = createChargeReferences(connection);
  await Promise.all([claims.init(), references.init()]);
  await Promise.all([claims.init(), references.init()]); // idempotent, as on every restart
});
afterAll(async () => {
  await infra?.stop();
});

describe('charge claims (MongoDB)', () => {
  it('lets one replica work a payment at a time, until release or expiry', async () => {
    expect(await claims.claim('o-1', 'a', 1_000, t0)).toBe(true);
    expect(await claims.claim('o-1', 'b', 1_000, at(10))).toBe(false);
    expect(await claims.claim('o-1', 'a', 1_000, at(20))).toBe(true); // its own claim, extended
    expect(await claims.claim('o-1', 'b', 1_000, at(1_500))).toBe(true); // a's claim expired
    await claims.release('o-1', 'a'); // not a's any more: changes nothing
    expect(await claims.claim('o-1', 'c', 1_000, at(1_600))).toBe(false);
    await claims.release('o-1', 'b');
    expect(await claims.claim('o-1', 'c', 1_000, at(1_600))).toBe(true);
  });

  it('gives exactly one of many simultaneous claimants the claim', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((owner) => claims.claim('o-2', owner, 1_000, t0)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('charge references (MongoDB)', () => {
  it('keeps the first charge id of an order', async () => {
    expect(await references.find('o-3')).toBeNull();
    await references.save('o-3', 'ch_1', t0);
    await references.save('o-3', 'ch_2', t0);
    expect(await references.find('o-3')).toBe('ch_1');
  });
});
