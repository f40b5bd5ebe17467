import { foldEvents } from '@tributary/contracts';
import { DeciderSpecification } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import { paymentDecider } from '../../src/domain/decider.ts';
import { PaymentStateConflictError } from '../../src/domain/errors.ts';
import {
  capture,
  decline,
  due,
  paymentAttemptFailed,
  paymentCaptured,
  paymentDeclined,
  paymentRequested,
  paymentVoided,
  paymentAmountDue,
  recordAttemptFailed,
  t2,
} from './fixtures.ts';

const given = DeciderSpecification.for(paymentDecider);

describe('Capture', () => {
  it('captures a due payment for its amount', () => {
    given(due).when(capture()).then([paymentCaptured()]);
  });

  it('captures after failed attempts', () => {
    given([...due, paymentAttemptFailed(), paymentAttemptFailed({ attempt: 2 })]).when(capture()).then([paymentCaptured()]);
  });

  it('decides nothing when already captured or refunded', () => {
    given([...due, paymentCaptured()]).when(capture()).thenNothingHappened();
  });

  it('records money taken after a void, and owes it back', () => {
    const history = [...due, paymentVoided()];
    given(history).when(capture()).then([paymentCaptured()]);
    const state = foldEvents(paymentDecider, [...history, paymentCaptured()]);
    expect(state).toMatchObject({ status: 'CAPTURED', refundOwed: true });
  });

  it('is a conflict before the charge was due, or after a decline', () => {
    given([paymentRequested()]).when(capture()).thenThrows(PaymentStateConflictError, (e) => e.code === 'CONFLICT');
    given([]).when(capture()).thenThrows(PaymentStateConflictError);
    given([...due, paymentDeclined()]).when(capture()).thenThrows(PaymentStateConflictError, (e) => e.status === 'DECLINED');
  });
});

describe('Decline', () => {
  it('declines a due payment with the provider’s reason', () => {
    given(due).when(decline({ reason: '  insufficient funds ' })).then([paymentDeclined({ reason: 'insufficient funds' })]);
  });

  it('decides nothing for a repeat, or for a payment voided meanwhile', () => {
    given([...due, paymentDeclined()]).when(decline()).thenNothingHappened();
    given([...due, paymentVoided()]).when(decline()).thenNothingHappened();
  });

  it('is a conflict for a captured payment', () => {
    given([...due, paymentCaptured()]).when(decline()).thenThrows(PaymentStateConflictError);
  });
});

describe('RecordAttemptFailed', () => {
  it('records the attempt and when to try again', () => {
    given(due).when(recordAttemptFailed()).then([paymentAttemptFailed()]);
    given([...due, paymentAttemptFailed()]).when(recordAttemptFailed({ attempt: 2 })).then([paymentAttemptFailed({ attempt: 2 })]);
  });

  it('decides nothing for an attempt already recorded (another replica, a retry)', () => {
    given([...due, paymentAttemptFailed()]).when(recordAttemptFailed({ attempt: 1 })).thenNothingHappened();
  });

  it('decides nothing once the payment is settled: the failure no longer matters', () => {
    given([...due, paymentCaptured()]).when(recordAttemptFailed()).thenNothingHappened();
    given([...due, paymentVoided()]).when(recordAttemptFailed()).thenNothingHappened();
    given([paymentAmountDue()]).when(recordAttemptFailed()).thenNothingHappened();
  });

  it('is a conflict to skip an attempt number (a counting bug)', () => {
    given(due).when(recordAttemptFailed({ attempt: 3 })).thenThrows(PaymentStateConflictError);
  });

  it('keeps error text within the contract’s limit', () => {
    const [event] = paymentDecider.decide(recordAttemptFailed({ error: 'x'.repeat(900), nextAttemptAt: t2 }), foldEvents(paymentDecider, due));
    expect(event?.type === 'PaymentAttemptFailed' && event.data.error.length).toBe(500);
  });
});
