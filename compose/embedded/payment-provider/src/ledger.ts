import { randomBytes } from 'node:crypto';

/**
 * The provider's books, kept in memory: charges, refunds and the answers stored under each
 * idempotency key. No HTTP here, so the rules (which test method does what, when a key replays,
 * when it conflicts) read in one place.
 */

/** Test payment methods, named like Stripe's test tokens. */
export const TEST_METHODS = ['pm_card_ok', 'pm_card_declined', 'pm_card_flaky', 'pm_card_timeout'] as const;
export type TestMethod = (typeof TEST_METHODS)[number];

/** pm_card_flaky answers 503 this many times per idempotency key before it succeeds. */
export const FLAKY_FAILURES_PER_KEY = 2;

export interface Charge {
  id: string;
  status: 'succeeded' | 'failed';
  amount: number;
  currency: string;
  method: string;
  description: string | null;
  failureCode: string | null;
  refunded: boolean;
  created: string;
}

export interface Refund {
  id: string;
  status: 'succeeded';
  charge: string;
  amount: number;
  currency: string;
  created: string;
}

/** An HTTP answer: what the server writes, and what an idempotency key stores. */
export interface Answer {
  status: number;
  body: unknown;
}

export interface Stats {
  chargesSucceeded: number;
  chargesDeclined: number;
  refunds: number;
  /** Requests answered from an idempotency key's stored answer (no new effect). */
  idempotentReplays: number;
  /** Requests that failed on purpose (pm_card_flaky) or were held (pm_card_timeout). */
  simulatedFailures: number;
}

interface StoredKey {
  /** What the first request asked for; the same key with another request is a 409. */
  fingerprint: string;
  answer: Answer;
}

export function newId(prefix: 'ch' | 're'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export function errorAnswer(status: number, type: string, code: string, message: string, extra: Record<string, unknown> = {}): Answer {
  return { status, body: { error: { type, code, message, ...extra } } };
}

export function createLedger(now: () => Date = () => new Date()) {
  const charges = new Map<string, Charge>();
  const refunds = new Map<string, Refund>();
  /** Keys are scoped by endpoint, like Stripe's: `charges:<key>`, `refunds:<key>`. */
  const keys = new Map<string, StoredKey>();
  const flakyCounts = new Map<string, number>();
  const stats: Stats = { chargesSucceeded: 0, chargesDeclined: 0, refunds: 0, idempotentReplays: 0, simulatedFailures: 0 };

  /**
   * The stored answer for (key, request), a 409 when the key was used for another request, or
   * undefined when the key is new: then `store` must be called with the answer once computed.
   */
  function replay(scopedKey: string, fingerprint: string): Answer | undefined {
    const stored = keys.get(scopedKey);
    if (!stored) return undefined;
    if (stored.fingerprint !== fingerprint) {
      return errorAnswer(409, 'idempotency_error', 'idempotency_key_reused', 'this Idempotency-Key was already used with different parameters');
    }
    stats.idempotentReplays++;
    return stored.answer;
  }

  function store(scopedKey: string, fingerprint: string, answer: Answer): Answer {
    keys.set(scopedKey, { fingerprint, answer });
    return answer;
  }

  return {
    stats: (): Stats => ({ ...stats }),
    charge: (id: string) => charges.get(id),
    listCharges: (description?: string) => [...charges.values()].filter((c) => description === undefined || c.description === description),
    replay,
    store,

    /** pm_card_flaky: true while the key still has failures to serve. */
    shouldFailFlaky(scopedKey: string): boolean {
      const seen = flakyCounts.get(scopedKey) ?? 0;
      flakyCounts.set(scopedKey, seen + 1);
      if (seen < FLAKY_FAILURES_PER_KEY) {
        stats.simulatedFailures++;
        return true;
      }
      return false;
    },

    countHeldRequest(): void {
      stats.simulatedFailures++;
    },

    /** Records a charge attempt that reached the card network: succeeded or declined. */
    recordCharge(input: { amount: number; currency: string; method: string; description: string | null }, declined: boolean): Charge {
      const charge: Charge = {
        id: newId('ch'),
        status: declined ? 'failed' : 'succeeded',
        ...input,
        failureCode: declined ? 'card_declined' : null,
        refunded: false,
        created: now().toISOString(),
      };
      charges.set(charge.id, charge);
      if (declined) stats.chargesDeclined++;
      else stats.chargesSucceeded++;
      return charge;
    },

    /** Refunds a succeeded charge in full; the caller checked that it may be refunded. */
    recordRefund(charge: Charge): Refund {
      const refund: Refund = { id: newId('re'), status: 'succeeded', charge: charge.id, amount: charge.amount, currency: charge.currency, created: now().toISOString() };
      refunds.set(refund.id, refund);
      charge.refunded = true;
      stats.refunds++;
      return refund;
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
