import { z } from 'zod';
import { errorAnswer, TEST_METHODS, type Answer, type Ledger, type TestMethod } from './ledger.ts';

/**
 * What each API call does, as functions from a parsed request to an answer. `hold` tells the
 * server to keep the connection open and drop it later (pm_card_timeout): no answer at all.
 */
export type Outcome = Answer | { hold: true };

const chargeSchema = z.strictObject({
  amount: z.int().positive('amount must be a positive integer (minor units)'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as EUR'),
  method: z.string().regex(/^pm_[A-Za-z0-9_]+$/, 'method must look like pm_xxx'),
  description: z.string().max(500).optional(),
});

const refundSchema = z.strictObject({ charge: z.string().regex(/^ch_[A-Za-z0-9]+$/, 'charge must be a charge id (ch_...)') });

function invalid(message: string, code = 'parameter_invalid'): Answer {
  return errorAnswer(400, 'invalid_request_error', code, message);
}

function missingKey(): Answer {
  return invalid('the Idempotency-Key header is required', 'idempotency_key_missing');
}

function parse<S extends z.ZodType>(schema: S, body: unknown): { data: z.output<S> } | { error: Answer } {
  const result = schema.safeParse(body);
  if (result.success) return { data: result.data };
  const issue = result.error.issues[0];
  return { error: invalid(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`) };
}

function isTestMethod(method: string): method is TestMethod {
  return (TEST_METHODS as readonly string[]).includes(method);
}

export function createCharge(ledger: Ledger, body: unknown, key: string | undefined): Outcome {
  if (!key) return missingKey();
  const parsed = parse(chargeSchema, body);
  if ('error' in parsed) return parsed.error;
  const { amount, currency, method } = parsed.data;
  const description = parsed.data.description ?? null;
  if (!isTestMethod(method)) return invalid(`no such payment method: ${method} (try ${TEST_METHODS.join(', ')})`, 'payment_method_unknown');

  const scopedKey = `charges:${key}`;
  // A fixed field order, so that the same request always has the same fingerprint.
  const fingerprint = JSON.stringify([amount, currency, method, description]);
  const replayed = ledger.replay(scopedKey, fingerprint);
  if (replayed) return replayed;

  // Simulated outages are not stored under the key: a retry must get another chance, as with
  // a real provider whose 5xx means "nothing happened".
  if (method === 'pm_card_timeout') {
    ledger.countHeldRequest();
    return { hold: true };
  }
  if (method === 'pm_card_flaky' && ledger.shouldFailFlaky(scopedKey)) {
    return errorAnswer(503, 'api_error', 'service_unavailable', 'the provider is temporarily unavailable; retry with the same Idempotency-Key');
  }

  const declined = method === 'pm_card_declined';
  const charge = ledger.recordCharge({ amount, currency, method, description }, declined);
  const answer: Answer = declined
    ? errorAnswer(402, 'card_error', 'card_declined', 'your card was declined', { charge: charge.id })
    : { status: 200, body: { id: charge.id, status: charge.status, amount, currency } };
  return ledger.store(scopedKey, fingerprint, answer);
}

export function createRefund(ledger: Ledger, body: unknown, key: string | undefined): Outcome {
  if (!key) return missingKey();
  const parsed = parse(refundSchema, body);
  if ('error' in parsed) return parsed.error;
  const scopedKey = `refunds:${key}`;
  const fingerprint = JSON.stringify([parsed.data.charge]);
  const replayed = ledger.replay(scopedKey, fingerprint);
  if (replayed) return replayed;

  const charge = ledger.charge(parsed.data.charge);
  if (!charge) return errorAnswer(404, 'invalid_request_error', 'resource_missing', `no such charge: ${parsed.data.charge}`);
  if (charge.status !== 'succeeded') return invalid(`charge ${charge.id} did not succeed: nothing to refund`, 'charge_not_refundable');
  // At most one refund per charge, whatever the key: a second key gets an error, not money.
  if (charge.refunded) return invalid(`charge ${charge.id} has already been refunded`, 'charge_already_refunded');

  const refund = ledger.recordRefund(charge);
  return ledger.store(scopedKey, fingerprint, { status: 200, body: refund });
}

export function getCharge(ledger: Ledger, id: string): Answer {
  const charge = ledger.charge(id);
  return charge ? { status: 200, body: charge } : errorAnswer(404, 'invalid_request_error', 'resource_missing', `no such charge: ${id}`);
}
